"""The words of each language: client words, staff texts, sheet notes and header aliases.
Data and lookups only.
"""
