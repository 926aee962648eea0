//! Property: any candidate written in the législatives 2024 layout, in
//! UTF-8 or Windows-1252, with or without a BOM, with CRLF or LF and codes
//! with or without their leading zeros, reads back as written.

use candidats_core::{CandidateSpec, ConstituencyKind, ImportRow, SeatSpec, Sex};
use candidats_import::{CandidateReader, ReadOptions, TextEncoding};
use chrono::NaiveDate;
use proptest::prelude::*;

const HEADER: &str = "Code département;Département;Code circonscription;Libellé circonscription;\
    Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;\
    Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;Nom remplaçant;\
    Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant";

/// A département as files write it, and as the reader gives it.
fn departement() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (1u32..=95).prop_flat_map(|n| {
            let padded = format!("{n:02}");
            prop_oneof![Just(n.to_string()), Just(padded.clone())]
                .prop_map(move |written| (written, padded.clone()))
        }),
        prop::sample::select(vec!["2A", "2B", "971", "974", "976", "ZZ"])
            .prop_map(|code| (code.to_string(), code.to_string())),
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[A-ZÉÈÎÔÇŒ][A-ZÉÈÎÔÇ' -]{0,18}[A-ZÉÈÎÔÇ]"
}

fn first_name() -> impl Strategy<Value = String> {
    "[A-ZÉ][a-zéèëïôçœ]{1,8}(-[A-ZÉ][a-zéèëïôç]{1,8})?"
}

fn person() -> impl Strategy<Value = CandidateSpec> {
    (
        name(),
        first_name(),
        prop::bool::ANY,
        (1930i32..2006, 1u32..=12, 1u32..=28),
        prop::option::of("[A-Za-z][A-Za-zéè(),' -]{0,30}[a-z]"),
        prop::bool::ANY,
    )
        .prop_map(
            |(surname, first, female, (y, m, d), profession, outgoing)| CandidateSpec {
                surname,
                first_name: Some(first),
                sex: Some(if female { Sex::Female } else { Sex::Male }),
                birth_date: NaiveDate::from_ymd_opt(y, m, d),
                profession,
                nationality: None,
                outgoing,
            },
        )
}

#[derive(Clone, Debug)]
struct Line {
    departement: (String, String),
    circonscription: u32,
    panel: u32,
    nuance: String,
    candidate: CandidateSpec,
    substitute: CandidateSpec,
}

fn line() -> impl Strategy<Value = Line> {
    (
        departement(),
        1u32..=21,
        1u32..=30,
        "[A-Z]{2,4}",
        person(),
        person(),
    )
        .prop_map(
            |(departement, circonscription, panel, nuance, candidate, mut substitute)| {
                substitute.profession = None;
                Line {
                    departement,
                    circonscription,
                    panel,
                    nuance,
                    candidate,
                    substitute,
                }
            },
        )
}

fn fields(p: &CandidateSpec) -> [String; 4] {
    [
        p.sex.map(|s| s.code().to_string()).unwrap_or_default(),
        p.surname.clone(),
        p.first_name.clone().unwrap_or_default(),
        p.birth_date
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
    ]
}

fn write(lines: &[Line], crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = format!("{HEADER}{end}");
    for (index, l) in lines.iter().enumerate() {
        let [sex, surname, first, birth] = fields(&l.candidate);
        let [s_sex, s_surname, s_first, s_birth] = fields(&l.substitute);
        let flag = |b: bool| if b { "OUI" } else { "" };
        let record = [
            l.departement.0.clone(),
            "Département".to_string(),
            format!("{}{:02}", l.departement.0, l.circonscription),
            format!("{}e circonscription", l.circonscription),
            l.panel.to_string(),
            (index + 1).to_string(),
            sex,
            surname,
            first,
            birth,
            l.nuance.clone(),
            l.candidate.profession.clone().unwrap_or_default(),
            flag(l.candidate.outgoing).to_string(),
            s_sex,
            s_surname,
            s_first,
            s_birth,
            flag(l.substitute.outgoing).to_string(),
        ];
        text.push_str(&record.join(";"));
        text.push_str(end);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lines_read_back_as_written(
        lines in prop::collection::vec(line(), 1..20),
        crlf in prop::bool::ANY,
        encoding in prop::sample::select(vec!["utf-8", "utf-8 with BOM", "windows-1252"]),
    ) {
        let text = write(&lines, crlf);
        let bytes = match encoding {
            "utf-8" => text.into_bytes(),
            "utf-8 with BOM" => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
        };

        let mut reader = CandidateReader::new(&bytes[..], "t.csv", &ReadOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rows: Vec<ImportRow> = reader
            .by_ref()
            .collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(e.error.to_string()))?;

        prop_assert_eq!(rows.len(), lines.len());
        if encoding == "windows-1252" {
            prop_assert_eq!(reader.encoding(), TextEncoding::Windows1252);
        }
        for (index, (row, l)) in rows.iter().zip(&lines).enumerate() {
            prop_assert_eq!(row.location.line, Some(index as u64 + 2));
            prop_assert_eq!(row.area[0].kind, ConstituencyKind::Departement);
            prop_assert_eq!(&row.area[0].code, &l.departement.1);
            prop_assert_eq!(
                &row.area[1].code,
                &format!("{}{:02}", l.departement.1, l.circonscription)
            );
            prop_assert_eq!(&row.candidate, &l.candidate);
            let expected = SeatSpec::Single {
                panel: l.panel,
                nuance: Some(candidats_core::Nuance { code: l.nuance.clone(), label: None }),
                substitute: Some(l.substitute.clone()),
            };
            prop_assert_eq!(&row.seat, &expected);
        }
    }
}
