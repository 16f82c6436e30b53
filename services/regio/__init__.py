"""The regional publisher: what a gemeente's deployment shares with its arbeidsmarktregio."""
