"""Typed values in JSON: what crosses to another interpreter or into a record.

A dataclass decorated with :func:`typed` (potok's :class:`~potok.measure.Timing`,
:class:`~potok.measure.Timeline`, :class:`~potok.machine.Stamp`,
:class:`~potok.interpreters.Interpreter`) survives :func:`encode` and
:func:`decode` as itself; a type registers when its module is imported.
Everything else must be numbers, strings, lists or dicts. The lowest module of
the toolkit: it imports none of the others. Standard library only.
"""

from __future__ import annotations

import dataclasses
from typing import Any


class DecodeError(ValueError):
    """Data that :func:`decode` cannot read back."""


_TYPES: dict[str, type] = {}


def typed(cls: type) -> type:
    """Class decorator: instances of this dataclass survive :func:`encode` and
    :func:`decode` as themselves (tuples come back as tuples)."""
    _TYPES[cls.__name__] = cls
    return cls


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data; a registered dataclass keeps its type."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        fields = {
            f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        if name in _TYPES:
            return {"__type__": name, **fields}
        return fields
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"{type(value).__name__} cannot cross to another interpreter or into a "
        "record: return numbers, strings, lists, dicts or potok's types"
    )


def decode(data: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(data, dict):
        name = data.get("__type__")
        if name is None:
            return {k: decode(v) for k, v in data.items()}
        cls = _TYPES.get(name)
        if cls is None:
            raise DecodeError(f"unknown type {name!r} in the data")
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name in data:
                value = decode(data[f.name])
                if isinstance(value, list) and "tuple" in str(f.type):
                    value = tuple(value)
                kwargs[f.name] = value
        return cls(**kwargs)
    if isinstance(data, list):
        return [decode(v) for v in data]
    return data
