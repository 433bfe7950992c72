"""The HTTP edge: ``raadsgraf serve`` (JSON API, SPARQL 1.1 Protocol, MCP).

Modules: ``app`` (the application factory), ``jsonapi`` and ``schemas`` (the
JSON API and its OpenAPI models), ``sparql`` (the protocol) over ``workers``
(query processes with a timeout), ``mcp_tools`` (MCP), ``citations``,
``live`` (the store generation the service reads), ``guard``, ``errors`` and
``metrics`` (what every request passes)."""

from raadsgraf.config import SERVE_PORT

DEFAULT_PORT = SERVE_PORT
