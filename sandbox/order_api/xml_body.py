"""The `xml=1` rendering of an Order API envelope.

Centra only says that `xml=1` answers in XML; its element names are [?]. The sandbox writes the JSON envelope
as nested elements under `<response>`: object keys become element names, list items take the singular of
their list's name (`orders` → `order`, `categories` → `category`, otherwise `item`), booleans become
`true`/`false`, null becomes an empty element.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring


def _item_tag(list_name: str) -> str:
    if list_name.endswith("ies"):
        return list_name[:-3] + "y"
    if list_name.endswith("s") and len(list_name) > 1:
        return list_name[:-1]
    return "item"


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, str(key)), child)
    elif isinstance(value, list):
        for child in value:
            _fill(SubElement(element, _item_tag(element.tag)), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render_xml(envelope: dict[str, Any]) -> bytes:
    root = Element("response")
    _fill(root, envelope)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")
