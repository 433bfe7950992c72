"""The read side: typed answers (lineage, views, result tables) built from the graph."""
