"""What the domain asks of its record types (msgspec structs): their fields, as written, and their defaults.

The plan, the events, the intents and the journal's, fold's and forecast's parts are `msgspec.Struct`s
rather than dataclasses: a struct type is made in C when its module loads (about 10 µs, where a frozen
slotted dataclass writes and compiles half a dozen methods, 0.4–1 ms each, which every `relboard mark`
paid for some sixty types before doing anything). A step's state (a slotted class) and an issue's (a
dataclass) are not records: events change them in place as they fold.

The modules that define them postpone their annotations, and the readers built from the fields (the
journal's, the caches') are keyed on the annotations as written, so nothing here evaluates a type.
"""

from __future__ import annotations

from typing import Any

import msgspec

NO_DEFAULT: Any = msgspec.NODEFAULT


def is_record(value: object) -> bool:
    """A record instance (not its type)."""
    return isinstance(value, msgspec.Struct)


def is_record_type(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, msgspec.Struct)


def field_names(cls: type[Any]) -> tuple[str, ...]:
    """The fields in the order the constructor and the files list them: a base class's first."""
    names: tuple[str, ...] = cls.__struct_fields__
    return names


def written_types(cls: type[Any]) -> dict[str, str]:
    """Each field's annotation as written in its module, in field order."""
    written: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        written.update(vars(klass).get("__annotations__", {}))  # not inspect: 6 ms to import for every command
    return {name: str(written[name]) for name in field_names(cls)}


def defaults(cls: type[Any]) -> dict[str, Any]:
    """Each field's default (`NO_DEFAULT` for a required one; a factory's product for `[]` or `{}`)."""
    names = field_names(cls)
    given: tuple[Any, ...] = cls.__struct_defaults__
    values: dict[str, Any] = dict.fromkeys(names[: len(names) - len(given)], NO_DEFAULT)
    for name, default in zip(names[len(names) - len(given) :], given, strict=True):
        factory = getattr(default, "factory", None)
        values[name] = factory() if factory is not None else default
    return values
