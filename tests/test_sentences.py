"""The table of what the Indonesian sentence splitter promises.

Each row is ``(text, expected sentences)``; the id says which rule it documents. The splitter
errs on the side of not splitting (see ``pipeline/sentences.py``): rows marked "one" below are
as much a promise as rows that split.
"""

import pytest

from pipeline.sentences import split_sentences

CASES = [
    # --- degrees and credits as releases write them ------------------------------------------
    pytest.param(
        "Acara dibuka oleh dr. Rina Sari, MH. Kes. yang mewakili Kepala Dinas. Peserta berjumlah 120 orang.",
        ["Acara dibuka oleh dr. Rina Sari, MH. Kes. yang mewakili Kepala Dinas.", "Peserta berjumlah 120 orang."],
        id="degrees-without-inner-dots-MH-Kes",
    ),
    pytest.param(
        "Turut hadir Budi Santoso, SH. MH. dan Ani, SKM. MKes. Mereka mewakili dinas.",
        ["Turut hadir Budi Santoso, SH. MH. dan Ani, SKM. MKes.", "Mereka mewakili dinas."],
        id="degree-chains-without-inner-dots",
    ),
    pytest.param(
        "Kegiatan berlangsung lancar. (Rep. Andi Saputra/Ed. Nurul Hidayah)",
        ["Kegiatan berlangsung lancar.", "(Rep. Andi Saputra/Ed. Nurul Hidayah)"],
        id="credit-line-in-brackets-never-split",
    ),
    pytest.param(
        "Vaksin diberikan gratis (Sumber: Kemenkes RI/Ket. Foto: Humas). Warga diminta datang.",
        ["Vaksin diberikan gratis (Sumber: Kemenkes RI/Ket. Foto: Humas).", "Warga diminta datang."],
        id="abbreviation-inside-brackets",
    ),
    # --- titles and abbreviations that never end a sentence -------------------------------
    pytest.param(
        "Prof. Dr. Ir. H. Ahmad Yani, S.H., M.Si. membuka acara. Ia menyampaikan sambutan.",
        ["Prof. Dr. Ir. H. Ahmad Yani, S.H., M.Si. membuka acara.", "Ia menyampaikan sambutan."],
        id="title-chain-prof-dr-ir-h-with-degrees-mid-sentence",
    ),
    pytest.param(
        "Acara dipandu oleh dr. Andi Wijaya dan drg. Sari Dewi. Keduanya berasal dari Makassar.",
        ["Acara dipandu oleh dr. Andi Wijaya dan drg. Sari Dewi.", "Keduanya berasal dari Makassar."],
        id="physician-dr-and-dentist-drg",
    ),
    pytest.param(
        "Pasien dirujuk ke RSUP Dr. Wahidin Sudirohusodo di Makassar.",
        ["Pasien dirujuk ke RSUP Dr. Wahidin Sudirohusodo di Makassar."],
        id="doctorate-Dr-in-a-hospital-name",
    ),
    pytest.param(
        "Turut hadir H. Abdul Rahman dan Hj. Siti Aminah. Mereka adalah tokoh masyarakat.",
        ["Turut hadir H. Abdul Rahman dan Hj. Siti Aminah.", "Mereka adalah tokoh masyarakat."],
        id="haji-H-and-hajjah-Hj",
    ),
    pytest.param(
        "Kepala RS Modern Cancer Hospital Guangzhou, Mr. Tu Xiaoming, menyampaikan sambutan. "
        "Ms. Li Wei mendampinginya.",
        [
            "Kepala RS Modern Cancer Hospital Guangzhou, Mr. Tu Xiaoming, menyampaikan sambutan.",
            "Ms. Li Wei mendampinginya.",
        ],
        id="Mr-and-Ms-before-a-name",
    ),
    pytest.param(
        "Kantor berada di Jl. Jenderal Sudirman No. 12, Makassar. Kantor buka setiap hari kerja.",
        ["Kantor berada di Jl. Jenderal Sudirman No. 12, Makassar.", "Kantor buka setiap hari kerja."],
        id="street-Jl-and-number-No",
    ),
    pytest.param(
        "Surat undangan ditandatangani a.n. Kepala Dinas Kesehatan. Undangan dikirim kemarin.",
        ["Surat undangan ditandatangani a.n. Kepala Dinas Kesehatan.", "Undangan dikirim kemarin."],
        id="atas-nama-a.n.-before-upper-case",
    ),
    pytest.param(
        "Pameran berlangsung 1 s.d. 5 Juni 2025. Masuk gratis.",
        ["Pameran berlangsung 1 s.d. 5 Juni 2025.", "Masuk gratis."],
        id="sampai-dengan-s.d.-before-a-number",
    ),
    pytest.param(
        "Prof.Dr. Andi Hakim membuka seminar. Seminar berlangsung dua hari.",
        ["Prof.Dr. Andi Hakim membuka seminar.", "Seminar berlangsung dua hari."],
        id="titles-written-together-Prof.Dr.",
    ),
    pytest.param(
        "Wali Kota Makassar, Moh. Ramdhan Pomanto, hadir. Ia memberi sambutan.",
        ["Wali Kota Makassar, Moh. Ramdhan Pomanto, hadir.", "Ia memberi sambutan."],
        id="Muhammad-abbreviated-Moh.",
    ),
    pytest.param(
        "Rumah sakit bekerja sama dengan PT. Bank Sulselbar. Kesepakatan ditandatangani hari ini.",
        ["Rumah sakit bekerja sama dengan PT. Bank Sulselbar.", "Kesepakatan ditandatangani hari ini."],
        id="company-PT.-before-its-name",
    ),
    pytest.param(
        "Rapat diadakan tgl. 5 Juni 2025 di Makassar.",
        ["Rapat diadakan tgl. 5 Juni 2025 di Makassar."],
        id="tanggal-tgl.-before-a-date",
    ),
    # --- abbreviations that CAN end a sentence: they do when an upper-case word follows ----
    pytest.param(
        "Dokter memperkenalkan berbagai metode seperti Cryosurgery, Intervensi, dll. "
        "Ia juga menjelaskan manfaat setiap metode.",
        [
            "Dokter memperkenalkan berbagai metode seperti Cryosurgery, Intervensi, dll.",
            "Ia juga menjelaskan manfaat setiap metode.",
        ],
        id="dll.-ends-a-sentence",
    ),
    pytest.param(
        "Bantuan berupa beras, minyak, dll. dibagikan kepada warga.",
        ["Bantuan berupa beras, minyak, dll. dibagikan kepada warga."],
        id="dll.-mid-sentence",
    ),
    pytest.param(
        "Peserta membawa alat tulis, buku, dsb. Semua perlengkapan lain disediakan panitia.",
        ["Peserta membawa alat tulis, buku, dsb.", "Semua perlengkapan lain disediakan panitia."],
        id="dsb.-ends-a-sentence",
    ),
    pytest.param(
        "Pendaftaran dibuka untuk gelombang pertama, kedua, dst. Jadwal lengkap ada di situs resmi.",
        ["Pendaftaran dibuka untuk gelombang pertama, kedua, dst.", "Jadwal lengkap ada di situs resmi."],
        id="dst.-ends-a-sentence",
    ),
    pytest.param(
        "Penelitian Wijaya dkk. menunjukkan hasil yang baik.",
        ["Penelitian Wijaya dkk. menunjukkan hasil yang baik."],
        id="dkk.-mid-sentence",
    ),
    pytest.param(
        "Tim peneliti dipimpin oleh Wijaya dkk. Hasilnya akan diterbitkan tahun depan.",
        ["Tim peneliti dipimpin oleh Wijaya dkk.", "Hasilnya akan diterbitkan tahun depan."],
        id="dkk.-ends-a-sentence",
    ),
    pytest.param(
        "Menurut Wijaya dkk. (2023) angka kesembuhan meningkat. Angka itu terus naik.",
        ["Menurut Wijaya dkk. (2023) angka kesembuhan meningkat.", "Angka itu terus naik."],
        id="dkk.-before-a-bracketed-year-is-a-citation",
    ),
    pytest.param(
        "Surat itu ditandatangani oleh Budi Santoso, S.H. Ia menjabat kepala bagian hukum.",
        ["Surat itu ditandatangani oleh Budi Santoso, S.H.", "Ia menjabat kepala bagian hukum."],
        id="degree-S.H.-ends-a-sentence",
    ),
    pytest.param(
        "Materi dibawakan oleh Rina Kartika, M.Si. Peserta tampak antusias.",
        ["Materi dibawakan oleh Rina Kartika, M.Si.", "Peserta tampak antusias."],
        id="degree-M.Si.-ends-a-sentence",
    ),
    pytest.param(
        "Sambutan disampaikan oleh kepala sekolah, Drs. Yusuf, M.Pd. Ia berterima kasih kepada orang tua.",
        ["Sambutan disampaikan oleh kepala sekolah, Drs. Yusuf, M.Pd.", "Ia berterima kasih kepada orang tua."],
        id="degree-M.Pd.-ends-a-sentence",
    ),
    pytest.param(
        "Khotbah disampaikan oleh Ustaz Hasan, Lc. Jamaah memenuhi masjid.",
        ["Khotbah disampaikan oleh Ustaz Hasan, Lc.", "Jamaah memenuhi masjid."],
        id="degree-Lc.-ends-a-sentence",
    ),
    pytest.param(
        "Ustaz Ahmad Fauzi, Lc. memimpin doa. Acara lalu dimulai.",
        ["Ustaz Ahmad Fauzi, Lc. memimpin doa.", "Acara lalu dimulai."],
        id="degree-Lc.-mid-sentence",
    ),
    pytest.param(
        "Laporan disusun oleh Siti Rahma, S.E., M.M. Ia menjabat manajer keuangan.",
        ["Laporan disusun oleh Siti Rahma, S.E., M.M.", "Ia menjabat manajer keuangan."],
        id="two-degrees-S.E.-M.M.-end-a-sentence",
    ),
    # --- officials' titles, ranks and degrees -----------------------------------------
    pytest.param(
        "Surat ditandatangani Kabag. Humas Setda, Andi Rahmat, dan Kasubbag. Umum. Surat dikirim Senin.",
        ["Surat ditandatangani Kabag. Humas Setda, Andi Rahmat, dan Kasubbag. Umum.", "Surat dikirim Senin."],
        id="heads-of-unit-Kabag.-Kasubbag.-before-the-unit",
    ),
    pytest.param(
        'Plt. Kepala Dinas Kesehatan Kota Makassar, dr. Andi Rahman, Sp.PD. menyampaikan sambutan. Acara lalu dimulai.',
        ['Plt. Kepala Dinas Kesehatan Kota Makassar, dr. Andi Rahman, Sp.PD. menyampaikan sambutan.', 'Acara lalu dimulai.'],
        id='acting-Plt.-and-degree-Sp.PD.-mid-sentence',
    ),
    pytest.param(
        'Plh. Sekretaris Daerah Provinsi Sulawesi Selatan membuka rapat. Rapat berlangsung dua jam.',
        ['Plh. Sekretaris Daerah Provinsi Sulawesi Selatan membuka rapat.', 'Rapat berlangsung dua jam.'],
        id='acting-Plh.-before-an-office',
    ),
    pytest.param(
        'Pj. Gubernur Sulawesi Selatan meninjau lokasi. Pj. Wali Kota turut hadir.',
        ['Pj. Gubernur Sulawesi Selatan meninjau lokasi.', 'Pj. Wali Kota turut hadir.'],
        id='acting-Pj.-opening-both-sentences',
    ),
    pytest.param(
        'Pjs. Bupati Gowa menerima rombongan. Kunjungan berlangsung singkat.',
        ['Pjs. Bupati Gowa menerima rombongan.', 'Kunjungan berlangsung singkat.'],
        id='acting-Pjs.',
    ),
    pytest.param(
        'Ns. Rina Marlina, S.Kep. memandu senam pagi. Peserta berjumlah 200 orang.',
        ['Ns. Rina Marlina, S.Kep. memandu senam pagi.', 'Peserta berjumlah 200 orang.'],
        id='nurse-Ns.-with-degree-S.Kep.',
    ),
    pytest.param(
        'Apt. Dewi Lestari, S.Farm. menjelaskan cara minum obat.',
        ['Apt. Dewi Lestari, S.Farm. menjelaskan cara minum obat.'],
        id='pharmacist-Apt.',
    ),
    pytest.param(
        'Prof. Dr. Budi Santoso, M.A. (Ketua Tim Peneliti) memaparkan hasil kajian. Kajian itu berlangsung setahun.',
        ['Prof. Dr. Budi Santoso, M.A. (Ketua Tim Peneliti) memaparkan hasil kajian.', 'Kajian itu berlangsung setahun.'],
        id='degree-M.A.-before-a-bracketed-role',
    ),
    pytest.param(
        'Materi disampaikan dr. Rina, Sp.OG. (K) dari RSUP Dr. Wahidin Sudirohusodo.',
        ['Materi disampaikan dr. Rina, Sp.OG. (K) dari RSUP Dr. Wahidin Sudirohusodo.'],
        id='degree-Sp.OG.-before-(K)',
    ),
    pytest.param(
        'Narasumber kedua adalah Dr. Andi Hakim, Ph.D. (Universitas Hasanuddin). Ia pakar epidemiologi.',
        ['Narasumber kedua adalah Dr. Andi Hakim, Ph.D. (Universitas Hasanuddin).', 'Ia pakar epidemiologi.'],
        id='degree-Ph.D.-before-a-bracketed-affiliation',
    ),
    pytest.param(
        'Rapat dipimpin Andi Wahyu, S.Kom., M.Kes. (Kepala Bidang Data).',
        ['Rapat dipimpin Andi Wahyu, S.Kom., M.Kes. (Kepala Bidang Data).'],
        id='degrees-S.Kom.-M.Kes.-before-a-bracket',
    ),
    pytest.param(
        'Saksi ahli adalah Hendra, S.H. M.H. dari Universitas Hasanuddin.',
        ['Saksi ahli adalah Hendra, S.H. M.H. dari Universitas Hasanuddin.'],
        id='two-degrees-without-a-comma-between',
    ),
    pytest.param(
        'Saksi ahli adalah Hendra, S.H., M.H. Ia mengajar hukum pidana.',
        ['Saksi ahli adalah Hendra, S.H., M.H.', 'Ia mengajar hukum pidana.'],
        id='degrees-S.H.-M.H.-end-a-sentence-before-a-capital',
    ),
    pytest.param(
        'Materi dibawakan oleh dr. Rina, Sp.OG. Peserta bertanya tentang gizi ibu hamil.',
        ['Materi dibawakan oleh dr. Rina, Sp.OG.', 'Peserta bertanya tentang gizi ibu hamil.'],
        id='degree-Sp.OG.-ends-a-sentence-before-a-capital',
    ),
    pytest.param(
        'Penelitian dipimpin oleh Dr. Andi, Ph.D. Hasilnya terbit tahun ini.',
        ['Penelitian dipimpin oleh Dr. Andi, Ph.D.', 'Hasilnya terbit tahun ini.'],
        id='degree-Ph.D.-ends-a-sentence-before-a-capital',
    ),
    pytest.param(
        'Laporan ditandatangani Ir. H. Joko Susilo, M.T. pada Senin.',
        ['Laporan ditandatangani Ir. H. Joko Susilo, M.T. pada Senin.'],
        id='Ir.-H.-and-degree-M.T.-mid-sentence',
    ),
    pytest.param(
        'Sambutan dibacakan Drs. Syamsul Bahri, M.Si. mewakili wali kota.',
        ['Sambutan dibacakan Drs. Syamsul Bahri, M.Si. mewakili wali kota.'],
        id='Drs.-and-degree-M.Si.-mid-sentence',
    ),
    pytest.param(
        'Kapolres Gowa AKBP Reonald Simanjuntak, S.I.K. (Sarjana Ilmu Kepolisian) memimpin apel.',
        ['Kapolres Gowa AKBP Reonald Simanjuntak, S.I.K. (Sarjana Ilmu Kepolisian) memimpin apel.'],
        id='police-AKBP-and-degree-S.I.K.-before-a-bracket',
    ),
    pytest.param(
        'Dandim 1408 Letkol Inf. Budi Santoso hadir. Kapten Czi. Andi mendampinginya.',
        ['Dandim 1408 Letkol Inf. Budi Santoso hadir.', 'Kapten Czi. Andi mendampinginya.'],
        id='army-corps-Inf.-and-Czi.-after-a-rank',
    ),
    pytest.param(
        'Kapt. Inf. Rahmat memimpin pasukan. Pasukan tiba pukul 08.00 WITA.',
        ['Kapt. Inf. Rahmat memimpin pasukan.', 'Pasukan tiba pukul 08.00 WITA.'],
        id='Kapt.-Inf.-before-a-name',
    ),
    pytest.param(
        'Kombes Pol. Budi Hartono, S.H. menjabat Kabid Humas. Ia didampingi Kompol Sari.',
        ['Kombes Pol. Budi Hartono, S.H. menjabat Kabid Humas.', 'Ia didampingi Kompol Sari.'],
        id='Kombes-Pol.-before-a-name',
    ),
    pytest.param(
        'PT Telkom Indonesia (Persero) Tbk. (Telkom) mencatat laba. Laba naik 5 persen.',
        ['PT Telkom Indonesia (Persero) Tbk. (Telkom) mencatat laba.', 'Laba naik 5 persen.'],
        id='company-Tbk.-before-a-bracketed-short-name',
    ),
    pytest.param(
        'Kerja sama ditandatangani dengan PT Bank Rakyat Indonesia (Persero) Tbk. Bank itu menyalurkan KUR.',
        ['Kerja sama ditandatangani dengan PT Bank Rakyat Indonesia (Persero) Tbk.', 'Bank itu menyalurkan KUR.'],
        id='company-Tbk.-ends-a-sentence-before-a-capital',
    ),
    pytest.param(
        'Keputusan itu tertuang dalam surat No. 12/2025. Surat diterbitkan kemarin.',
        ['Keputusan itu tertuang dalam surat No. 12/2025.', 'Surat diterbitkan kemarin.'],
        id='No.-before-a-number',
    ),
    pytest.param(
        'Posko berada di Ds. Bontomarannu, Kec. Galesong, Lt. 2 gedung desa.',
        ['Posko berada di Ds. Bontomarannu, Kec. Galesong, Lt. 2 gedung desa.'],
        id='desa-Ds.-kecamatan-Kec.-lantai-Lt.',
    ),
    pytest.param(
        'Bantuan diserahkan kepada warga RT. 03 RW. 05 Kelurahan Tamalanrea.',
        ['Bantuan diserahkan kepada warga RT. 03 RW. 05 Kelurahan Tamalanrea.'],
        id='RT.-and-RW.-before-numbers',
    ),
    pytest.param(
        'Bahan pangan disiapkan: beras, minyak, gula, dll. (Daftar lengkap terlampir.)',
        ['Bahan pangan disiapkan: beras, minyak, gula, dll. (Daftar lengkap terlampir.)'],
        id='dll.-before-a-bracketed-note',
    ),
    # --- initials -----------------------------------------------------------------------
    pytest.param(
        "B. J. Habibie lahir di Parepare. Ia presiden ketiga Indonesia.",
        ["B. J. Habibie lahir di Parepare.", "Ia presiden ketiga Indonesia."],
        id="initials-with-spaces-B.-J.-Habibie",
    ),
    pytest.param(
        "Presiden ketiga, B.J. Habibie, lahir di Parepare. Ia seorang insinyur.",
        ["Presiden ketiga, B.J. Habibie, lahir di Parepare.", "Ia seorang insinyur."],
        id="initials-written-together-B.J.-after-a-comma-before-a-name",
    ),
    pytest.param(
        "Acara dihadiri Drs. H.M. Amin Syam. Ia mantan gubernur.",
        ["Acara dihadiri Drs. H.M. Amin Syam.", "Ia mantan gubernur."],
        id="initials-H.M.-after-a-title",
    ),
    # --- numbers, dates and times in Indonesian style -----------------------------------
    pytest.param(
        "Pertumbuhan ekonomi mencapai 6,7 persen. Angka ini tertinggi dalam lima tahun.",
        ["Pertumbuhan ekonomi mencapai 6,7 persen.", "Angka ini tertinggi dalam lima tahun."],
        id="decimal-comma-6,7",
    ),
    pytest.param(
        "Jumlah penduduk miskin turun menjadi 1.044.921 jiwa. Pemerintah menyambut baik.",
        ["Jumlah penduduk miskin turun menjadi 1.044.921 jiwa.", "Pemerintah menyambut baik."],
        id="thousands-dots-1.044.921",
    ),
    pytest.param(
        "Total anggaran tahun ini sebesar Rp15.323.650.458.000. Dana itu berasal dari APBN.",
        ["Total anggaran tahun ini sebesar Rp15.323.650.458.000.", "Dana itu berasal dari APBN."],
        id="rupiah-amount-at-a-sentence-end",
    ),
    pytest.param(
        "Anggaran Rp15.323.650.458.000 dialokasikan untuk kesehatan.",
        ["Anggaran Rp15.323.650.458.000 dialokasikan untuk kesehatan."],
        id="rupiah-amount-mid-sentence",
    ),
    pytest.param(
        "Acara dihadiri banyak tamu. 30 di antaranya dokter spesialis.",
        ["Acara dihadiri banyak tamu.", "30 di antaranya dokter spesialis."],
        id="sentence-opening-with-a-number",
    ),
    pytest.param(
        "Kegiatan berlangsung pada 19/12/2025 di Makassar. Peserta berasal dari 10 kabupaten.",
        ["Kegiatan berlangsung pada 19/12/2025 di Makassar.", "Peserta berasal dari 10 kabupaten."],
        id="date-19/12/2025",
    ),
    pytest.param(
        "Pada tanggal 29 Mei 2025, sejumlah pakar mengunjungi Guangzhou. Kunjungan berlangsung tiga hari.",
        ["Pada tanggal 29 Mei 2025, sejumlah pakar mengunjungi Guangzhou.", "Kunjungan berlangsung tiga hari."],
        id="date-29-Mei-2025",
    ),
    pytest.param(
        "Acara dimulai pukul 10.30 WIB. Tamu sudah hadir sejak pagi.",
        ["Acara dimulai pukul 10.30 WIB.", "Tamu sudah hadir sejak pagi."],
        id="time-10.30-WIB",
    ),
    pytest.param(
        "Rapat dijadwalkan pukul 14:00 dan selesai pukul 16.15 WITA.",
        ["Rapat dijadwalkan pukul 14:00 dan selesai pukul 16.15 WITA."],
        id="times-14:00-and-16.15-mid-sentence",
    ),
    pytest.param(
        "Pendaftaran ditutup pukul 16.00. Peserta diminta hadir tepat waktu.",
        ["Pendaftaran ditutup pukul 16.00.", "Peserta diminta hadir tepat waktu."],
        id="time-at-a-sentence-end",
    ),
    # --- URLs and e-mail addresses ------------------------------------------------------
    pytest.param(
        "Informasi lengkap tersedia di https://www.kemenkes.go.id/berita/2025 bagi masyarakat.",
        ["Informasi lengkap tersedia di https://www.kemenkes.go.id/berita/2025 bagi masyarakat."],
        id="url-mid-sentence",
    ),
    pytest.param(
        "Informasi lengkap tersedia di https://www.kemenkes.go.id. Masyarakat dapat mengaksesnya.",
        ["Informasi lengkap tersedia di https://www.kemenkes.go.id.", "Masyarakat dapat mengaksesnya."],
        id="url-at-a-sentence-end",
    ),
    pytest.param(
        "Pertanyaan dapat dikirim ke humas@rsmodern.co.id sebelum Jumat.",
        ["Pertanyaan dapat dikirim ke humas@rsmodern.co.id sebelum Jumat."],
        id="email-mid-sentence",
    ),
    pytest.param(
        "Pertanyaan dapat dikirim ke humas@rsmodern.co.id. Tim kami membalas dalam dua hari.",
        ["Pertanyaan dapat dikirim ke humas@rsmodern.co.id.", "Tim kami membalas dalam dua hari."],
        id="email-at-a-sentence-end",
    ),
    # --- ellipses -----------------------------------------------------------------------
    pytest.param(
        "Ia berhenti sejenak... Lalu melanjutkan pidatonya.",
        ["Ia berhenti sejenak...", "Lalu melanjutkan pidatonya."],
        id="three-dots-before-upper-case",
    ),
    pytest.param(
        "Ia berhenti sejenak… Lalu melanjutkan pidatonya.",
        ["Ia berhenti sejenak…", "Lalu melanjutkan pidatonya."],
        id="ellipsis-character-before-upper-case",
    ),
    pytest.param(
        "Kami menunggu... dan akhirnya hasilnya keluar.",
        ["Kami menunggu... dan akhirnya hasilnya keluar."],
        id="three-dots-before-lower-case",
    ),
    # --- quotations ---------------------------------------------------------------------
    pytest.param(
        'Ia berkata, "Kami siap bekerja sama." Acara kemudian dilanjutkan.',
        ['Ia berkata, "Kami siap bekerja sama."', "Acara kemudian dilanjutkan."],
        id="straight-quote-ending-with-period-quote",
    ),
    pytest.param(
        "Ia berkata, “Kami siap bekerja sama.” Acara kemudian dilanjutkan.",
        ["Ia berkata, “Kami siap bekerja sama.”", "Acara kemudian dilanjutkan."],
        id="curly-quote-ending-with-period-quote",
    ),
    pytest.param(
        '"Kerja sama ini sangat penting." ujar Mr. Tu Xiaoming.',
        ['"Kerja sama ini sangat penting." ujar Mr. Tu Xiaoming.'],
        id="quote-then-lower-case-attribution-stays-one",
    ),
    pytest.param(
        "“Kerja sama ini sangat penting.” ujar ketua delegasi.",
        ["“Kerja sama ini sangat penting.” ujar ketua delegasi."],
        id="curly-quote-then-lower-case-attribution-stays-one",
    ),
    pytest.param(
        "Delegasi tiba pagi hari. “Kami senang berada di sini,” kata ketua delegasi.",
        ["Delegasi tiba pagi hari.", "“Kami senang berada di sini,” kata ketua delegasi."],
        id="sentence-opening-with-a-quote",
    ),
    pytest.param(
        'Ia bertanya, "Kapan kita mulai?" Semua peserta terdiam.',
        ['Ia bertanya, "Kapan kita mulai?"', "Semua peserta terdiam."],
        id="question-inside-a-quote",
    ),
    # --- ? and ! ------------------------------------------------------------------------
    pytest.param(
        "Apakah layanan ini gratis? Ya! Semua warga dapat mendaftar.",
        ["Apakah layanan ini gratis?", "Ya!", "Semua warga dapat mendaftar."],
        id="question-and-exclamation",
    ),
    pytest.param(
        "Benarkah hasilnya secepat itu?! Dokter mengiyakan.",
        ["Benarkah hasilnya secepat itu?!", "Dokter mengiyakan."],
        id="interrobang-?!",
    ),
    # --- brackets -----------------------------------------------------------------------
    pytest.param(
        "Pemeriksaan dilakukan di laboratorium (lihat lampiran). Hasilnya normal.",
        ["Pemeriksaan dilakukan di laboratorium (lihat lampiran).", "Hasilnya normal."],
        id="period-after-a-closing-bracket",
    ),
    pytest.param(
        "Gubernur meresmikan gedung baru pada Senin (19/12/2025). Gedung itu berlantai lima.",
        ["Gubernur meresmikan gedung baru pada Senin (19/12/2025).", "Gedung itu berlantai lima."],
        id="bracketed-date-before-the-period",
    ),
    pytest.param(
        "Acara berlangsung meriah. (Foto: Humas RS Modern.) Para tamu pulang sore hari.",
        ["Acara berlangsung meriah.", "(Foto: Humas RS Modern.)", "Para tamu pulang sore hari."],
        id="whole-sentence-in-brackets",
    ),
    # --- edges: empty, blank, unfinished, line breaks -------------------------------------
    pytest.param("", [], id="empty-string"),
    pytest.param("  \n\t  ", [], id="white-space-only"),
    pytest.param(
        "Kunjungan delegasi ke Guangzhou",
        ["Kunjungan delegasi ke Guangzhou"],
        id="no-final-punctuation",
    ),
    pytest.param(
        "Acara selesai. Terima kasih atas perhatiannya",
        ["Acara selesai.", "Terima kasih atas perhatiannya"],
        id="last-sentence-without-final-punctuation",
    ),
    pytest.param(
        "Acara dimulai pukul 09.00.\nPeserta datang\n  tepat waktu.",
        ["Acara dimulai pukul 09.00.", "Peserta datang tepat waktu."],
        id="line-breaks-are-white-space",
    ),
    pytest.param(
        "Delegasi juga mengunjungi Jepang. Ōsaka menjadi kota terakhir.",
        ["Delegasi juga mengunjungi Jepang.", "Ōsaka menjadi kota terakhir."],
        id="upper-case-letter-outside-latin-1",
    ),
    # --- English sentences (common inside Indonesian press releases) --------------------
    pytest.param(
        "The delegation visited the hospital. It was a warm welcome! Will they return? Yes.",
        ["The delegation visited the hospital.", "It was a warm welcome!", "Will they return?", "Yes."],
        id="english-sentences",
    ),
    pytest.param(
        "Mr. Smith met Dr. Lee in Jakarta. They discussed cancer care.",
        ["Mr. Smith met Dr. Lee in Jakarta.", "They discussed cancer care."],
        id="english-with-titles",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences_join_back_to_the_text(text: str, expected: list[str]) -> None:
    # Nothing is lost or added: only white space between sentences is normalised.
    assert " ".join(split_sentences(text)) == " ".join(text.split())
