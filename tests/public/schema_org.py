"""The part of the schema.org vocabulary the article page's JSON-LD may use, to check it against.

Written down from schema.org's type and property definitions: each type with its
parent types, the properties each type itself defines, and for the properties
that name another node, the types that node may be. A page that uses a type or a
property not listed here, or a property on a type that does not have it, fails
``problems``. Add to it only what schema.org defines.
"""

from __future__ import annotations

# type: its parent types
PARENTS = {
    "Thing": (),
    "CreativeWork": ("Thing",),
    "WebPage": ("CreativeWork",),
    "MedicalWebPage": ("WebPage",),
    "Article": ("CreativeWork",),
    "ScholarlyArticle": ("Article",),
    "Claim": ("CreativeWork",),
    "Quotation": ("CreativeWork",),
    "Review": ("CreativeWork",),
    "Intangible": ("Thing",),
    "Audience": ("Intangible",),
    "PeopleAudience": ("Audience",),
    "MedicalAudience": ("Audience", "PeopleAudience"),
    "Enumeration": ("Intangible",),
    "MedicalEnumeration": ("Enumeration",),
    "MedicalEvidenceLevel": ("MedicalEnumeration",),
    "MedicalEntity": ("Thing",),
    "MedicalGuideline": ("MedicalEntity",),
    "Person": ("Thing",),
}

# type: the properties it defines itself (its parents' apply too)
PROPERTIES = {
    "Thing": {"name", "description", "url", "sameAs", "alternateName"},
    "CreativeWork": {
        "about",
        "audience",
        "author",
        "citation",
        "dateModified",
        "datePublished",
        "hasPart",
        "headline",
        "isPartOf",
        "publisher",
        "review",
        "text",
    },
    "WebPage": {"lastReviewed", "reviewedBy", "mainContentOfPage", "significantLink"},
    "MedicalWebPage": {"medicalAudience"},
    "Claim": {"appearance", "firstAppearance", "claimInterpreter"},
    "Review": {"itemReviewed", "reviewBody", "reviewRating", "reviewAspect"},
    "Audience": {"audienceType", "geographicArea"},
    "MedicalGuideline": {"evidenceLevel", "evidenceOrigin", "guidelineDate", "guidelineSubject"},
    "Person": {"honorificSuffix", "honorificPrefix", "givenName", "familyName"},
}

# property: the types a node it names may be (a plain string value is always allowed where
# schema.org also gives Text or URL as a range; a bare {"@id": ...} is checked where it points)
RANGES = {
    "audience": {"Audience"},
    "author": {"Person"},
    "citation": {"CreativeWork"},
    "evidenceLevel": {"MedicalEvidenceLevel"},
    "hasPart": {"CreativeWork"},
    "isPartOf": {"CreativeWork"},
    "itemReviewed": {"Thing"},
    "review": {"Review"},
    "reviewedBy": {"Person"},
}


def _ancestors(kind: str) -> set[str]:
    found = {kind}
    for parent in PARENTS[kind]:
        found |= _ancestors(parent)
    return found


def _types(node: dict) -> list[str]:
    kinds = node.get("@type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _nodes(value, path="$"):
    if isinstance(value, dict):
        yield path, value
        for key, child in value.items():
            yield from _nodes(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _nodes(child, f"{path}[{index}]")


def problems(document: dict) -> list[str]:
    """Every use of a type or property that schema.org does not define as used here."""
    found = []
    typed = {}
    for _, node in _nodes(document):
        if "@id" in node and "@type" in node:
            typed.setdefault(node["@id"], set()).update(_types(node))
    for path, node in _nodes(document):
        kinds = _types(node) or sorted(typed.get(node.get("@id"), ()))
        unknown = [k for k in kinds if k not in PARENTS]
        if unknown:
            found.append(f"{path}: unknown type {unknown}")
            continue
        allowed = set().union(*(PROPERTIES.get(a, set()) for k in kinds for a in _ancestors(k)))
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in allowed:
                found.append(f"{path}: {key!r} is not a property of {kinds}")
                continue
            for child in value if isinstance(value, list) else [value]:
                if not isinstance(child, dict) or key not in RANGES:
                    continue
                child_kinds = _types(child) or sorted(typed.get(child.get("@id"), ()))
                reach = set().union(*(_ancestors(k) for k in child_kinds if k in PARENTS))
                if reach and not reach & RANGES[key]:  # an unknown type is reported as such
                    found.append(f"{path}.{key}: {child_kinds} is not one of {RANGES[key]}")
    return found
