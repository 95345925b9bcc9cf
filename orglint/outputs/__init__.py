"""The last stage: a check result rendered as formats, the report and the graph."""
