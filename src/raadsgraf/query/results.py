"""SPARQL results → the standard formats (JSON, CSV, TSV, XML) and a text table.

Written here rather than by pyoxigraph's serialiser because the endpoint and
the CLI cap the rows they return, and a capped result is a list, not a
pyoxigraph iterator.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from raadsgraf.graph.sparql import SparqlResult

#: Media types of the SPARQL 1.1 result formats, by short name.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Media types for CONSTRUCT / DESCRIBE results.
GRAPH_MEDIA_TYPES = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
}


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def to_json(result: SparqlResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.terms
    ]
    return json.dumps(
        {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
        ensure_ascii=False,
    )


def _plain(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def to_csv(result: SparqlResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    writer.writerow(result.variables)
    for row in result.terms:
        writer.writerow([_plain(t) for t in row])
    return buf.getvalue()


def to_tsv(result: SparqlResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.terms:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return "\n".join(lines) + "\n"


def to_xml(result: SparqlResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
        return "\n".join([*out, "</sparql>"]) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables))
    out.append("</head><results>")
    for row in result.terms:
        out.append("<result>")
        for v, t in zip(result.variables, row, strict=True):
            if t is None:
                continue
            if isinstance(t, ox.NamedNode):
                inner = f"<uri>{escape(t.value)}</uri>"
            elif isinstance(t, ox.BlankNode):
                inner = f"<bnode>{escape(t.value)}</bnode>"
            else:
                assert isinstance(t, ox.Literal)
                attr = ""
                if t.language:
                    attr = f" xml:lang={quoteattr(t.language)}"
                elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                    attr = f" datatype={quoteattr(t.datatype.value)}"
                inner = f"<literal{attr}>{escape(t.value)}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out.append("</results></sparql>")
    return "\n".join(out) + "\n"


def serialize(result: SparqlResult, fmt: str) -> str:
    """A SELECT/ASK result in ``fmt`` (json, xml, csv, tsv)."""
    return {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}[fmt](result)


def serialize_graph(result: SparqlResult, fmt: str) -> bytes:
    from raadsgraf.graph.vocab import PREFIXES

    data = ox.serialize(list(result.triples), format=GRAPH_MEDIA_TYPES[fmt][1], prefixes=PREFIXES)
    assert isinstance(data, bytes)
    return data


def to_table(result: SparqlResult, *, width: int = 60) -> str:
    """A plain-text table for people at a terminal (values shortened to ``width``)."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        return serialize_graph(result, "turtle").decode()
    rows = [[_short(r, width) for r in row] for row in result.rows]
    head = list(result.variables)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body])


def _short(value: object, width: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
