"""The template workbooks as data: their tabs, columns, notes and example rows. Pure; the
backends lay them out.
"""
