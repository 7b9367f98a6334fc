"""The Circular 03/2025/TT-VPCP one-stop forms as PDF (and the tracking book as XLSX).

Use ``motcua.printing.forms``; nothing here changes a dossier.
"""
