"""The security suite: login paths and MFA, URL x role matrix, XSS corpus, races, fault injection, API fuzzing."""
