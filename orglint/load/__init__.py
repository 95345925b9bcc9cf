"""Stage 1 of the pipeline: the org's files, found and read into documents with positions."""
