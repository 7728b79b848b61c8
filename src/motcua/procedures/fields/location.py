"""Place field types: address, province, commune (units in force since 1 July 2025), country
and map geometry.

Province (2 digits) and commune (5 digits) codes are checked against
`agencies.selectors.admin_unit_codes()`, cached per process, through `CleanContext`: validating
a form step runs no query per field. An address stores {"street", "commune_code",
"province_code"}, the province deduced from the commune.

Map values are GeoJSON geometries (Point, LineString, Polygon and their Multi* forms). Without
JavaScript the applicant types one "lat, lng" per line, parsed into the chosen geometry.

The widgets work without JavaScript; with it, static/js/combobox.js turns the commune <select>
into a searchable combobox (the select stays the submitted control) and static/js/map-field.js
adds a Leaflet map whose drawings fill the coordinates box.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format
from .registry import field_types
from .text import normalise_text

DATA_DIR = Path(__file__).parent / "data"


def _admin_units():
    from motcua.agencies.selectors import admin_unit_codes

    return admin_unit_codes()


def _province_groups(province: str | None, selected: str | None) -> list[dict]:
    units = _admin_units()
    by_province: dict[str, list] = {}
    for code, (name, parent) in units["communes"].items():
        if province and parent != province:
            continue
        by_province.setdefault(parent, []).append({"value": code, "label": name, "checked": code == selected})
    return [
        {"code": p, "label": units["provinces"].get(p, p), "choices": sorted(items, key=lambda c: c["label"])}
        for p, items in sorted(by_province.items(), key=lambda item: units["provinces"].get(item[0], item[0]))
    ]


class _ProvinceRestriction(FieldOptions):
    province_code: str | None = Field(None, title=_("Only in this province (2-digit code)"),
                                      description=_("Leave empty to accept the whole country."))


def _province_problem(options) -> list[OptionProblem]:
    if options.province_code and not re.fullmatch(r"\d{2}", options.province_code):
        return [OptionProblem("province_code", "invalid_province", _("A province code has 2 digits, like 01 for Hà Nội."))]
    return []


class AddressOptions(_ProvinceRestriction):
    street_max_length: int = Field(200, ge=20, le=500, title=_("Maximum length of the street part"))
    street_required: bool = Field(True, title=_("The house number and street are required"))


@field_types.register
class Address(FieldType):
    id = "address"
    label = _("Address in Vietnam")
    family = "location"
    options_schema = AddressOptions
    value_type = "address"
    filter_kind = "choice"
    widget_template = "procedures/fields/address.html"
    grouped = True
    fill_seconds_default = 45

    def check_options(self, options):
        return _province_problem(options)

    def value_from_post(self, data, field_name):
        return {"street": data.get(f"{field_name}__street", ""), "commune_code": data.get(f"{field_name}__commune_code", "")}

    def required_message(self, options):
        return _("Enter the address: street and commune.")

    def clean_value(self, raw, options, *, context):
        if not isinstance(raw, dict) or set(raw) - {"street", "commune_code", "province_code"}:
            raise FieldValueError("invalid", _("Enter the street and choose the commune."))
        street = normalise_text(raw.get("street") or "")
        code = str(raw.get("commune_code") or "").strip()
        if not street and options.street_required:
            raise FieldValueError("street_missing", _("Enter the house number and street, or the hamlet or village."), part="street")
        if len(street) > options.street_max_length:
            raise FieldValueError("too_long", lazy_format(_("Shorten the street part to %(max)s characters or fewer."), max=options.street_max_length), part="street")
        commune = context.commune(code) if re.fullmatch(r"\d{5}", code) else None
        if commune is None:
            raise FieldValueError("unknown_commune", _("Choose the commune or ward in the list (units in force since 1 July 2025)."), part="commune_code")
        province = commune[1]
        if raw.get("province_code") and raw["province_code"] != province:
            raise FieldValueError("province_mismatch", _("This commune is not in the province given: choose the commune again."), part="commune_code")
        if options.province_code and province != options.province_code:
            raise FieldValueError("outside_province", lazy_format(_("Choose a commune of %(province)s."), province=context.province_name(options.province_code) or options.province_code), part="commune_code")
        return {"street": street, "commune_code": code, "province_code": province}

    def _names(self, value) -> tuple[str, str]:
        units = _admin_units()
        commune = units["communes"].get(value.get("commune_code"))
        return (commune[0] if commune else value.get("commune_code", ""),
                units["provinces"].get(value.get("province_code"), value.get("province_code", "")))

    def display(self, value, options) -> str:
        if not value:
            return ""
        commune, province = self._names(value)
        return ", ".join(part for part in (value.get("street"), commune, province) if part)

    def export_columns(self, field):
        return [
            (f"{field.stable_id}.street", f"{field.label}: {_('street')}"),
            (f"{field.stable_id}.commune", f"{field.label}: {_('commune')}"),
            (f"{field.stable_id}.province", f"{field.label}: {_('province')}"),
        ]

    def export_cells(self, value, options):
        if not value:
            return ["", "", ""]
        commune, province = self._names(value)
        return [value.get("street", ""), commune, province]

    def json_schema(self, options):
        return {"type": ["object", "null"], "additionalProperties": False, "required": ["street", "commune_code"], "properties": {
            "street": {"type": "string", "maxLength": options.street_max_length},
            "commune_code": {"type": "string", "pattern": r"^[0-9]{5}$"},
            "province_code": {"type": "string", "pattern": r"^[0-9]{2}$"},
        }}

    def widget_context(self, field_name, value, options):
        value = value if isinstance(value, dict) else {}
        return {"value": value, "groups": _province_groups(options.province_code, value.get("commune_code"))}


@field_types.register
class Province(FieldType):
    id = "province"
    label = _("Province")
    family = "location"
    value_type = "province"
    filter_kind = "choice"
    widget_template = "procedures/fields/select.html"
    autocomplete = "address-level1"
    fill_seconds_default = 6

    def clean_value(self, raw, options, *, context):
        code = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if not re.fullmatch(r"\d{2}", code) or context.province_name(code) is None:
            raise FieldValueError("unknown_province", _("Choose the province or city in the list (34 units since 1 July 2025)."))
        return code

    def display(self, value, options) -> str:
        return _admin_units()["provinces"].get(value, value or "") if value else ""

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[0-9]{2}$"}

    def widget_context(self, field_name, value, options):
        provinces = _admin_units()["provinces"]
        # data-province-select: a commune picker after it lists this province's communes first (combobox.js).
        return {"attrs": {"autocomplete": "address-level1", "data-province-select": ""}, "choices": [
            {"value": code, "label": name, "checked": code == value} for code, name in sorted(provinces.items(), key=lambda item: item[1])
        ]}


class CommuneOptions(_ProvinceRestriction):
    pass


@field_types.register
class Commune(FieldType):
    id = "commune"
    label = _("Commune or ward")
    family = "location"
    options_schema = CommuneOptions
    value_type = "commune"
    filter_kind = "choice"
    widget_template = "procedures/fields/commune.html"
    fill_seconds_default = 10

    def check_options(self, options):
        return _province_problem(options)

    def clean_value(self, raw, options, *, context):
        code = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
        if code.isdigit() and len(code) < 5:
            code = code.zfill(5)
        commune = context.commune(code) if re.fullmatch(r"\d{5}", code) else None
        if commune is None:
            raise FieldValueError("unknown_commune", _("Choose the commune or ward in the list (units in force since 1 July 2025)."))
        if options.province_code and commune[1] != options.province_code:
            raise FieldValueError("outside_province", lazy_format(_("Choose a commune of %(province)s."), province=context.province_name(options.province_code) or options.province_code))
        return code

    def display(self, value, options) -> str:
        if not value:
            return ""
        units = _admin_units()
        commune = units["communes"].get(value)
        if not commune:
            return value
        return f"{commune[0]}, {units['provinces'].get(commune[1], commune[1])}"

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[0-9]{5}$"}

    def widget_context(self, field_name, value, options):
        return {"attrs": {}, "groups": _province_groups(options.province_code, value)}


@lru_cache(maxsize=1)
def countries() -> dict[str, dict]:
    """ISO 3166-1 alpha-2 countries with names in vi/en/fr, from data/countries.json."""
    with open(DATA_DIR / "countries.json", encoding="utf-8") as handle:
        return {c["code"]: c for c in json.load(handle)["countries"]}


def country_name(code: str) -> str:
    country = countries().get(code)
    if not country:
        return code or ""
    language = (translation.get_language() or "vi")[:2]
    return country.get(f"name_{language}") or country["name_en"]


class CountryOptions(FieldOptions):
    default: str | None = Field("VN", title=_("Country chosen by default (2-letter code)"))


@field_types.register
class Country(FieldType):
    id = "country"
    label = _("Country")
    family = "location"
    options_schema = CountryOptions
    value_type = "choice"
    filter_kind = "choice"
    widget_template = "procedures/fields/select.html"
    fill_seconds_default = 6

    def check_options(self, options):
        if options.default and options.default.upper() not in countries():
            return [OptionProblem("default", "unknown_country", _("Enter a 2-letter country code, like VN or FR."))]
        return []

    def clean_value(self, raw, options, *, context):
        code = raw.strip().upper() if isinstance(raw, str) else ""
        if code not in countries():
            raise FieldValueError("unknown_country", _("Choose the country in the list."))
        return code

    def display(self, value, options) -> str:
        return country_name(value) if value else ""

    def json_schema(self, options):
        return {"type": ["string", "null"], "enum": [*sorted(countries()), None]}

    def widget_context(self, field_name, value, options):
        selected = value or (options.default or "").upper()
        items = sorted(countries(), key=lambda code: country_name(code))
        return {"attrs": {"autocomplete": "country"}, "choices": [
            {"value": code, "label": country_name(code), "checked": code == selected} for code in items
        ]}


# --- Map ----------------------------------------------------------------------------------------

GEOMETRY_KINDS = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
KIND_LABELS = {"Point": _("A point"), "LineString": _("A line"), "Polygon": _("An area"),
               "MultiPoint": _("Several points"), "MultiLineString": _("Several lines"), "MultiPolygon": _("Several areas")}
# Vietnam's mainland and islands, generously (Hoàng Sa and Trường Sa included).
VIETNAM_BBOX = (102.0, 6.0, 118.0, 23.5)


class MapOptions(FieldOptions):
    kinds: list[Literal["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"]] = Field(
        default_factory=lambda: ["Point", "Polygon"], title=_("Kinds of geometry accepted"))
    bbox: list[float] = Field(default_factory=lambda: list(VIETNAM_BBOX), min_length=4, max_length=4,
                              title=_("Bounding box (west, south, east, north)"))
    max_vertices: int = Field(500, ge=1, le=10000, title=_("Maximum number of points"))


def _positions(coordinates, depth):
    if depth == 0:
        yield coordinates
    else:
        for item in coordinates:
            yield from _positions(item, depth - 1)


_DEPTH = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


@field_types.register
class MapGeometry(FieldType):
    id = "map"
    label = _("Place on a map")
    family = "location"
    options_schema = MapOptions
    value_type = "geo"
    can_be_logic_source = False
    widget_template = "procedures/fields/map.html"
    grouped = True
    fill_seconds_default = 60

    def check_options(self, options):
        problems = []
        if not options.kinds:
            problems.append(OptionProblem("kinds", "no_kind", _("Accept at least one kind of geometry.")))
        west, south, east, north = options.bbox
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            problems.append(OptionProblem("bbox", "invalid_bbox", _("The box is west, south, east, north in degrees, west below east and south below north.")))
        return problems

    def value_from_post(self, data, field_name):
        return {"kind": data.get(f"{field_name}__kind", ""), "text": data.get(field_name, "")}

    def is_empty(self, value) -> bool:
        if isinstance(value, dict) and "text" in value:
            return not str(value.get("text") or "").strip()
        return super().is_empty(value)

    def _from_text(self, kind: str, text: str) -> dict:
        points = []
        for number, line in enumerate(str(text).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p for p in re.split(r"[,;\s]+", line.strip()) if p]
            try:
                lat, lng = (float(p) for p in parts)
            except ValueError:
                raise FieldValueError("invalid_coordinates", lazy_format(_("Line %(line)s: write the latitude then the longitude, like 21.0285, 105.8542."), line=number)) from None
            points.append([lng, lat])
        if kind == "Point":
            if len(points) != 1:
                raise FieldValueError("invalid_geometry", _("A point is one line: latitude, longitude."))
            return {"type": "Point", "coordinates": points[0]}
        if kind == "LineString":
            return {"type": "LineString", "coordinates": points}
        if kind == "Polygon":
            if points and points[0] != points[-1]:
                points.append(points[0])
            return {"type": "Polygon", "coordinates": [points]}
        if kind == "MultiPoint":
            return {"type": "MultiPoint", "coordinates": points}
        raise FieldValueError("invalid_geometry", _("Choose a point, a line or an area."))

    def clean_value(self, raw, options, *, context):
        if isinstance(raw, str):
            raw = {"kind": options.kinds[0] if options.kinds else "Point", "text": raw}
        if isinstance(raw, dict) and "text" in raw:
            geometry = self._from_text(raw.get("kind") or (options.kinds[0] if options.kinds else "Point"), raw["text"])
        else:
            geometry = raw
        if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_KINDS or "coordinates" not in geometry:
            raise FieldValueError("invalid_geometry", _("Send a GeoJSON geometry: Point, LineString, Polygon or their Multi forms."))
        kind = geometry["type"]
        if kind not in options.kinds:
            allowed = ", ".join(str(KIND_LABELS[k]) for k in options.kinds)
            raise FieldValueError("kind_not_allowed", lazy_format(_("This kind of place is not accepted here. Accepted: %(kinds)s."), kinds=allowed))
        try:
            positions = list(_positions(geometry["coordinates"], _DEPTH[kind]))
            clean_positions = [[float(p[0]), float(p[1])] for p in positions if len(p) in (2, 3)]
        except (TypeError, ValueError, IndexError):
            raise FieldValueError("invalid_geometry", _("The coordinates of this geometry are malformed.")) from None
        if len(clean_positions) != len(positions) or not positions:
            raise FieldValueError("invalid_geometry", _("The coordinates of this geometry are malformed."))
        if len(positions) > options.max_vertices:
            raise FieldValueError("too_many_vertices", lazy_format(_("Use at most %(max)s points."), max=options.max_vertices))
        west, south, east, north = options.bbox
        for lng, lat in clean_positions:
            if not (math.isfinite(lng) and math.isfinite(lat) and west <= lng <= east and south <= lat <= north):
                raise FieldValueError("outside_area", _("A point is outside the area accepted (Vietnam): check that the latitude comes first, then the longitude."))
        problem = self._shape_problem(kind, geometry["coordinates"])
        if problem:
            raise FieldValueError("invalid_geometry", problem)
        return {"type": kind, "coordinates": _round(geometry["coordinates"], _DEPTH[kind])}

    def _shape_problem(self, kind, coordinates):
        lines = [coordinates] if kind == "LineString" else coordinates if kind == "MultiLineString" else []
        if any(len(line) < 2 for line in lines):
            return _("A line needs at least 2 points.")
        rings = coordinates if kind == "Polygon" else [r for poly in coordinates for r in poly] if kind == "MultiPolygon" else []
        for ring in rings:
            if len(ring) < 4 or list(ring[0])[:2] != list(ring[-1])[:2]:
                return _("An area needs at least 3 different corners.")
        return None

    def display(self, value, options) -> str:
        if not value:
            return ""
        count = sum(1 for _ in _positions(value["coordinates"], _DEPTH[value["type"]]))
        if value["type"] == "Point":
            lng, lat = value["coordinates"][:2]
            return f"{lat:.6f}, {lng:.6f}"
        return str(lazy_format(_("%(kind)s (%(count)s points)"), kind=KIND_LABELS[value["type"]], count=count))

    def export_cells(self, value, options):
        return [json.dumps(value, separators=(",", ":")) if value else ""]

    def json_schema(self, options):
        return {"type": ["object", "null"], "required": ["type", "coordinates"], "properties": {
            "type": {"enum": list(options.kinds)}, "coordinates": {"type": "array"},
        }}

    def widget_value(self, value, options):
        if isinstance(value, dict) and "text" in value:
            return value["text"]
        if isinstance(value, dict) and value.get("type") in ("Point", "LineString", "Polygon", "MultiPoint"):
            depth = _DEPTH[value["type"]]
            positions = list(_positions(value["coordinates"], depth))
            if value["type"] == "Polygon":
                positions = positions[:-1]
            return "\n".join(f"{p[1]}, {p[0]}" for p in positions)
        return ""

    def widget_context(self, field_name, value, options):
        current = value.get("kind") or value.get("type") if isinstance(value, dict) else None
        kinds = [k for k in options.kinds if k in ("Point", "LineString", "Polygon", "MultiPoint")] or ["Point"]
        return {"kinds": [{"value": k, "label": KIND_LABELS[k], "checked": k == current} for k in kinds],
                "map_config": _map_config(kinds, options)}


def _map_config(kinds: list[str], options: MapOptions) -> str:
    """What static/js/map-field.js needs to draw on a Leaflet map: the kinds it may draw, the
    box to show first, the tile server (settings.MAP_TILE_URL) and the texts of the drawing
    tools (Leaflet-Geoman's translation keys). JSON for a data- attribute."""
    return json.dumps({
        "kinds": kinds,
        "bbox": list(options.bbox),
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "text": {
            "hint": str(_("On the map, choose a tool in the top left corner, then click: once for a point, "
                          "at each corner for a line or an area. The coordinates below are filled in for you, "
                          "and you can still type them.")),
            "zoomIn": str(_("Zoom in")),
            "zoomOut": str(_("Zoom out")),
            "marker": str(_("Place chosen")),
        },
        "geoman": {
            "tooltips": {
                "placeMarker": str(_("Click to place the point")),
                "placeMarkerTouch": str(_("Tap the map to place the point")),
                "firstVertex": str(_("Click to place the first point")),
                "continueLine": str(_("Click to place the next point")),
                "finishLine": str(_("Click the last point again to finish")),
                "finishPoly": str(_("Click the first point to close the area")),
            },
            "actions": {
                "finish": str(_("Finish")),
                "cancel": str(_("Cancel")),
                "removeLastVertex": str(_("Remove the last point")),
            },
            "buttonTitles": {
                "drawMarkerButton": str(_("Place a point")),
                "drawLineButton": str(_("Draw a line")),
                "drawPolyButton": str(_("Draw an area")),
                "editButton": str(_("Move the points")),
                "dragButton": str(_("Move the drawing")),
                "deleteButton": str(_("Remove a drawing")),
            },
        },
    }, ensure_ascii=False)


def _round(coordinates, depth):
    if depth == 0:
        return [round(float(c), 7) for c in coordinates[:2]]
    return [_round(item, depth - 1) for item in coordinates]
