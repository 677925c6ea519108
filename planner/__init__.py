"""The case and its plan: storage, accounts and access, audit, services, demo data, CLI."""
