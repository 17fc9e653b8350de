"""Browser tests of the built site (a package, so its conftest is not `conftest`)."""
