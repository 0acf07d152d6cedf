"""Fixed facts of PermenPANRB 90/2021 on the Zona Integritas, written once."""
from __future__ import annotations

#: The six areas of change (komponen pengungkit), in the regulation's order.
AREAS_90_2021: tuple[str, ...] = (
    "Manajemen Perubahan",
    "Penataan Tatalaksana",
    "Penataan Sistem Manajemen SDM",
    "Penguatan Akuntabilitas Kinerja",
    "Penguatan Pengawasan",
    "Peningkatan Kualitas Pelayanan Publik",
)

#: The results (komponen hasil).
HASIL_90_2021: tuple[str, ...] = (
    "Pemerintah yang Bersih dan Akuntabel",
    "Pelayanan Publik yang Prima",
)
