"""
The OpenAPI 3.1 description of the API, served at ``/api/openapi.json``.

Written by hand and reviewed with the views in ``api/views.py``: a change to
what an endpoint answers changes this description in the same commit.
tests/test_openapi.py validates it as OpenAPI and checks the real answers
against it (schemathesis). Only the server's address is filled in per
request.

Objects are not closed (no ``additionalProperties: false``): fields may be
added, never renamed or removed. The tests close them, so that no field goes
undocumented.
"""

import copy

from strategy.models import Country

from .open_data import DESCRIPTION, LICENCE_NAME, LICENCE_URL, NAME


def _string(description=None, **extra):
    schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _object(properties, description=None):
    """An object whose every property is required (each is always there, maybe null)."""
    schema = {"type": "object", "required": list(properties), "properties": properties}
    if description:
        schema["description"] = description
    return schema


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(item):
    return _object(
        {
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "Items in the whole list, on all its pages.",
            },
            "next": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The next page, or null on the last.",
            },
            "previous": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The previous page, or null on the first.",
            },
            "results": {"type": "array", "items": _ref(item)},
        },
        description="One page of a list, 50 items at most.",
    )


COUNTRY_SUMMARY = {
    "name": _string(),
    "slug": _string(pattern=r"^[-a-zA-Z0-9_]+$"),
    "iso_code": _string(
        "ISO 3166-1 alpha-2 code, or empty when not set.", pattern=r"^([A-Z]{2})?$"
    ),
    "region": _string(
        "World Bank region code, or empty when not set.",
        enum=[*Country.Region.values, ""],
    ),
    "region_name": _string("The region's name, or empty when not set."),
    "goal_count": {"type": "integer", "minimum": 0},
    "published_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "When the country was first published.",
    },
    "updated_at": _string("When the country was last saved.", format="date-time"),
    "url": _string("This country in the API.", format="uri"),
    "html_url": _string("The country's page.", format="uri"),
}

CITATION = {
    "key": _string("The key that cites this source in texts: [^key]."),
    "authors": {"type": "array", "items": _string("A person or an organisation.")},
    "year": {"type": ["integer", "null"]},
    "title": _string(),
    "subtitle": _string(),
    "publisher": _string(),
    "medium": _string(enum=["online", "print"]),
    "url": _string("Where the source can be read; may be empty."),
    "accessed_on": {"type": ["string", "null"], "format": "date"},
    "language": _string("Language code, e.g. en, es."),
    "source_label": _string("The footnote number in the source report, if any."),
    "html_url": _string("The source's page on this site.", format="uri"),
}

THEME_REF = {"name": _string(), "slug": _string()}

SCHEMAS = {
    "Error": _object({"detail": _string("What went wrong, for a person to read.")}),
    "CountrySummary": _object(COUNTRY_SUMMARY),
    "Country": _object(
        {
            **COUNTRY_SUMMARY,
            "vision": _string("Markdown; [^key] cites a source."),
            "conclusion": _string("Markdown; [^key] cites a source."),
            "themes": {
                "type": "array",
                "items": _ref("ThemeRef"),
                "description": "The themes of the country's goals, by name.",
            },
            "goals": {"type": "array", "items": _ref("Goal")},
            "citations": {
                "type": "array",
                "items": _ref("Citation"),
                "description": "The sources the country's texts cite, by key.",
            },
            "language": _string("The language asked for (`lang`), in which the texts are given."),
            "translations": {
                "type": "object",
                "description": (
                    "The country's texts in every language, by language code, as written: "
                    "null where a text is not yet translated (the fields above then give "
                    "the English text)."
                ),
                "additionalProperties": _ref("Texts"),
            },
        }
    ),
    "Texts": _object(
        {
            "name": {"type": ["string", "null"]},
            "vision": {"type": ["string", "null"]},
            "conclusion": {"type": ["string", "null"]},
            "goals": {
                "type": "array",
                "items": _object(
                    {
                        "position": {"type": "integer", "minimum": 1},
                        "title": {"type": ["string", "null"]},
                        "description": {"type": ["string", "null"]},
                    }
                ),
            },
        }
    ),
    "ThemeRef": _object(THEME_REF),
    "Goal": _object(
        {
            "position": {"type": "integer", "minimum": 1},
            "title": _string(),
            "description": _string("Markdown; [^key] cites a source."),
            "themes": {"type": "array", "items": _string()},
            "citations": {
                "type": "array",
                "items": _string(),
                "description": "Keys of the sources the description cites, in order.",
            },
        }
    ),
    "Citation": _object(CITATION),
    "CitedCitation": _object(
        {
            **CITATION,
            "countries": {
                "type": "array",
                "items": _string(),
                "description": "Slugs of the published countries citing it.",
            },
        }
    ),
    "Theme": _object(
        {
            **THEME_REF,
            "goal_count": {"type": "integer", "minimum": 0},
            "html_url": _string("The theme's page.", format="uri"),
        }
    ),
    "CountryPage": _page_of("CountrySummary"),
    "CitationPage": _page_of("CitedCitation"),
    "ThemePage": _page_of("Theme"),
    "Index": _object(
        {
            "name": _string(),
            "description": _string(),
            "license": _object({"name": _string(), "url": _string(format="uri")}),
            "openapi": _string("This description.", format="uri"),
            "documentation": _string("The open-data page.", format="uri"),
            "endpoints": {
                "type": "array",
                "items": _object(
                    {
                        "name": _string(),
                        "url": _string("The address; an RFC 6570 template if it has {...}."),
                        "media_type": _string(),
                        "description": _string(),
                    }
                ),
            },
        }
    ),
}


def _json(schema_name, description):
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": (
        "The language of the texts, names and page addresses: `en` (the default) or "
        "`es`. A text not yet translated is given in English. Any other value is a 400."
    ),
    "schema": {"type": "string", "enum": ["en", "es"], "default": "en"},
}

PAGE_PARAMETER = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": (
        "The page, from 1 (the default, also when the value is empty) to the "
        "last; any other value, or a page past the last, is a 404."
    ),
    "schema": {"type": "integer", "minimum": 1, "default": 1},
}


def _list_operation(operation_id, summary, page_schema):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [
                {"$ref": "#/components/parameters/page"},
                {"$ref": "#/components/parameters/lang"},
            ],
            "responses": {
                "200": _json(page_schema, "One page of the list."),
                "404": _json("Error", "No such page."),
            },
        }
    }


DESCRIPTION_TEMPLATE = {
    "openapi": "3.1.0",
    "info": {
        "title": f"{NAME} API",
        "version": "1",
        "summary": "Read-only JSON of published national AI strategies.",
        "description": (
            f"{DESCRIPTION} Drafts never appear. Lists come in pages of 50 "
            "(`?page=2`) in one envelope. Field names are stable: fields may be "
            "added, never renamed or removed. Texts are Markdown in which `[^key]` "
            "cites the citation with that key. Every endpoint answers GET and HEAD "
            "(and OPTIONS, for CORS preflights); other methods get 405. Every answer, "
            "errors included (400 for an address that cannot be read, 404 for one "
            "that names nothing), is JSON with a `detail` and may be read by scripts "
            "of any origin (`Access-Control-Allow-Origin: *`)."
        ),
        "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/": {
            "get": {
                "operationId": "api_index",
                "summary": "The endpoints, and where this description and the documentation are.",
                "responses": {"200": _json("Index", "The index.")},
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description.",
                "responses": {
                    "200": {
                        "description": "An OpenAPI 3.1 document.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["openapi", "info", "paths"],
                                }
                            }
                        },
                    }
                },
            }
        },
        "/api/countries/": _list_operation("country_list", "Published countries.", "CountryPage"),
        "/api/countries/{slug}/": {
            "get": {
                "operationId": "country_detail",
                "summary": "One published country with its goals, themes and sources.",
                "parameters": [
                    {"$ref": "#/components/parameters/lang"},
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        "description": "The country's slug, e.g. `mexico`.",
                        "schema": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
                    },
                ],
                "responses": {
                    "200": _json("Country", "The country."),
                    "404": _json("Error", "No published country has this slug."),
                },
            }
        },
        "/api/citations/": _list_operation(
            "citation_list", "Every source a published country cites.", "CitationPage"
        ),
        "/api/themes/": _list_operation(
            "theme_list", "Themes with their number of published goals.", "ThemePage"
        ),
        "/api/goals.csv": {
            "get": {
                "operationId": "goals_csv",
                "summary": "Every published goal as CSV.",
                "parameters": [{"$ref": "#/components/parameters/lang"}],
                "description": (
                    "UTF-8 with a byte order mark; one header row, then one row a goal: "
                    "country, position, goal, description, themes, citations, iso_code, "
                    "region (its name), language (of the goal's texts: `lang`'s, or `en` "
                    "where not yet translated). Themes and citations are separated by `; `. A "
                    "cell that a spreadsheet would run as a formula starts with `'`."
                ),
                "responses": {
                    "200": {
                        "description": "The goals.",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": SCHEMAS,
        "parameters": {"page": PAGE_PARAMETER, "lang": LANG_PARAMETER},
    },
}


def openapi_description(server_url):
    """The description, its server at ``server_url`` (the site's root, no slash at the end)."""
    description = copy.deepcopy(DESCRIPTION_TEMPLATE)
    description["servers"] = [{"url": server_url}]
    return description
