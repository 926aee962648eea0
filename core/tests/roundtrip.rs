//! Every domain type survives a JSON round trip.

use candidats_core::testing::strategies as s;
use proptest::prelude::*;

fn round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

proptest! {
    #[test]
    fn names(v in s::name()) { round_trip(&v)?; }
    #[test]
    fn elections(v in s::election()) { round_trip(&v)?; }
    #[test]
    fn constituencies(v in s::constituency()) { round_trip(&v)?; }
    #[test]
    fn lists(v in s::list()) { round_trip(&v)?; }
    #[test]
    fn sections(v in s::section()) { round_trip(&v)?; }
    #[test]
    fn persons(v in s::person()) { round_trip(&v)?; }
    #[test]
    fn candidacies(v in s::candidacy()) { round_trip(&v)?; }
    #[test]
    fn roles(v in s::roles()) { round_trip(&v)?; }
    #[test]
    fn channels(v in s::channel()) {
        round_trip(&v)?;
        prop_assert_eq!(candidats_core::Channel::parse(&v.code()).ok(), Some(v));
    }
    #[test]
    fn contact_points(v in s::contact_point()) {
        round_trip(&v)?;
        let again = candidats_core::ContactPoint::new(v.channel().clone(), v.value());
        prop_assert_eq!(again.ok(), Some(v), "normalising twice changes the value");
    }
    #[test]
    fn contact_details(v in s::contact_detail()) { round_trip(&v)?; }
    #[test]
    fn contact_actions(v in s::contact_action()) { round_trip(&v)?; }
    #[test]
    fn participants(v in s::participant()) { round_trip(&v)?; }
    #[test]
    fn responsibilities(v in s::responsibility()) { round_trip(&v)?; }
    #[test]
    fn pledges(v in s::pledge()) { round_trip(&v)?; }
    #[test]
    fn pledge_answers(v in s::pledge_answer()) { round_trip(&v)?; }
    #[test]
    fn scopes(v in s::scope()) { round_trip(&v)?; }
    #[test]
    fn marathons(v in s::marathon()) { round_trip(&v)?; }
    #[test]
    fn templates(v in s::template()) { round_trip(&v)?; }
    #[test]
    fn proposals(v in s::proposal()) { round_trip(&v)?; }
    #[test]
    fn reservations(v in s::reservation()) { round_trip(&v)?; }
    #[test]
    fn audit_records(v in s::audit_record()) { round_trip(&v)?; }
}
