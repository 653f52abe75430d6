"""The face: the command line, what it prints, the ``schedule`` loop and ``make demo``.
"""
