"""Benchmarks run by `mubiao bench NAME`; each module has run(argv) -> dict."""
