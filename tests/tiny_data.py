"""A hand-made data set, small enough to read in one screen, for resolve and the document tree.

Two offices (a province and a kabupaten), two legal bases, two areas, one target group.
Tests write it to a temporary folder and change what they need.
"""
from __future__ import annotations

from pathlib import Path

OFFICES = """\
offices:
  - id: prov-x
    level: provinsi
    name: Komisi Pemilihan Umum Provinsi Contoh
    short_name: KPU Provinsi Contoh
    seat: Kotabaru
    province: Contoh
  - id: kab-y
    level: kabupaten
    name: Komisi Pemilihan Umum Kabupaten Yonder
    short_name: KPU Kabupaten Yonder
    seat: Yonder
    province: Contoh
"""

REGULATIONS = """\
regulations:
  uu-7-2017:
    kind: UU
    number: 7
    year: 2017
    title: Pemilihan Umum
    gazette: {ln: {year: 2017, number: 182}, tln: 6109}
  pkpu-8-2019:
    kind: PKPU
    number: 8
    year: 2019
    title: Tata Kerja Komisi Pemilihan Umum
    gazette: {bn: {year: 2019, number: 320}}
"""

KEPUTUSAN = """\
keputusan:
  title: Rencana Kerja di Lingkungan {{ office.name }} Tahun {{ year }}
  menimbang:
    - id: perlu
      text: bahwa perlu disusun rencana kerja;
    - id: penetapan
      text: >-
        bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam {{ refs.preceding }}, perlu
        menetapkan Keputusan {{ office.name }} tentang {{ decree.title }};
  diktum:
    - id: menetapkan
      text: Menetapkan {{ decree.title }}.
    - id: berlaku
      text: Keputusan ini mulai berlaku pada tanggal ditetapkan.
"""

LAMPIRAN = """\
lampiran:
  cover: [RENCANA KERJA, "{{ office.short_name }}"]
  kata_pengantar:
    - id: kp-satu
      text: Kata pengantar.
  chapters:
    - id: bab-satu
      title: Pendahuluan
      sections:
        - id: dasar
          title: Dasar Hukum
          blocks:
            - id: dasar-list
              numbering: number
              generate: dasar_hukum
        - id: istilah
          title: Pengertian
          blocks:
            - id: definisi
              numbering: letter
              items:
                - id: def-zi
                  term: Zona Integritas
                  text: adalah predikat.
                - id: def-kab
                  only: [kabupaten]
                  text: hanya untuk kabupaten.
    - id: bab-aksi
      title: Rencana Aksi
      generate: areas
      blocks:
        - id: aksi-pengantar
          text: Rencana aksi per area.
          only: [provinsi]
  penutup:
    id: penutup
    title: Penutup
    blocks:
      - id: penutup-demikian
        text: Demikian.
  areas:
    - id: manajemen-perubahan
      name: Manajemen Perubahan
      targets:
        - id: mp-target
          text: Meningkatnya komitmen.
      intro: "Rencana aksi dalam manajemen perubahan adalah:"
      actions:
        - id: mp-rapat
          text: Menyelenggarakan rapat, yaitu
          numbering: paren
          generate: coordinators
        - id: mp-tim
          text: Membentuk tim.
    - id: penataan-tatalaksana
      name: Penataan Tatalaksana
      actions:
        - id: pt-sop
          text: Menyusun SOP.
  targets_title: Target Capaian Tahun {{ year }}
"""

DECREE = """\
mengingat:
  - pkpu-8-2019
  - uu-7-2017
dasar_hukum:
  - uu-7-2017
  - pkpu-8-2019
targets:
  - area: manajemen-perubahan
    rows:
      - id: mp-row
        label: Tim Kerja
        months: {jan: 10, feb: 20}
"""

PROV = """\
number: 5
date: 2026-01-05
ketua: {name: Budi Santoso}
salinan: {jabatan: Kepala Bagian Hukum, name: Sari Dewi}
"""


def write(root: Path) -> Path:
    """Write the data set under `root` and return its data folder."""
    data = root / "data"
    (data / "common").mkdir(parents=True)
    (data / "2026" / "offices").mkdir(parents=True)
    (data / "offices.yaml").write_text(OFFICES, encoding="utf-8")
    (data / "regulations.yaml").write_text(REGULATIONS, encoding="utf-8")
    (data / "common" / "keputusan.yaml").write_text(KEPUTUSAN, encoding="utf-8")
    (data / "common" / "lampiran.yaml").write_text(LAMPIRAN, encoding="utf-8")
    (data / "2026" / "decree.yaml").write_text(DECREE, encoding="utf-8")
    (data / "2026" / "offices" / "prov-x.yaml").write_text(PROV, encoding="utf-8")
    return data
