"""The words of each language, one catalog file per language (``en.toml``, ``zh.toml``):
client words, staff texts, sheet notes, header and value names. ``catalog`` is the one
lookup; see its docstring for how to add a language.
"""
