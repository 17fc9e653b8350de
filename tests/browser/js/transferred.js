// Bytes transferred for the page and everything it loaded (headers included).
() => {
  const entries = [
    ...performance.getEntriesByType("navigation"),
    ...performance.getEntriesByType("resource"),
  ];
  return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
}
