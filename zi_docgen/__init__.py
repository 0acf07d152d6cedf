"""zi-docgen: Indonesian decrees (Keputusan + Lampiran) for Zona Integritas work plans, from YAML."""

__version__ = "0.1.0"
