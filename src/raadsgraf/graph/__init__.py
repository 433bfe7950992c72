"""The graph stage: records to triples, the store, SPARQL, and what is derived from the whole graph."""
