"""Copies and a project to findings: what the project needs, which copy its build takes, the rules."""
