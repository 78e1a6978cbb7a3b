"""The presentation to take away: a region's presentation as one HTML file that needs no server and no
network (offline/presentation.py), and the operator's command that writes it
(`python -m offline export-presentation`, offline/__main__.py)."""
