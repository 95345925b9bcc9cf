"""A fuzzer for orglint: structure-aware mutations of the examples and the rule case files, and
hypothesis-generated orgs and configs, judged by an oracle (exit 0, 1 or 2; no traceback; under
5 s; cached equals uncached; two runs byte-identical). See docs/development.md."""
