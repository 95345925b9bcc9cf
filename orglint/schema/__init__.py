"""Stage 2: the cerberus tables of the org format, the config and waiver records, and the
translation of their errors to positions."""
