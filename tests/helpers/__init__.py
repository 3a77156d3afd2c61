"""What tests share, and nothing else imports from a test module: fake HTTP servers on 127.0.0.1
that replay recorded payloads and inject faults, the connector contract, hand-built results and
histories, the fake engine, and the CI-aware skips (tests/test_suite_imports.py keeps it so)."""
