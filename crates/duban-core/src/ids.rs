//! Typed ids of the records, so that a period's id cannot be passed where a unit's is meant
//! (`grant_exception(period, unit, …)`, `todo(period, unit)`): each is its own type around the
//! database's integer key.
//!
//! They read and write as plain integers in JSON, in paths and query strings (serde transparent) and in
//! the database (the `sqlx` feature, enabled by the store only, so that the office files and the parser
//! do not compile sqlx).

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The integer as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            i64: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <i64 as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <i64 as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            i64: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, DB>>::encode_by_ref(&self.0, buf)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            i64: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                <i64 as sqlx::Decode<'r, DB>>::decode(value).map($name)
            }
        }
    )*};
}

ids! {
    /// A plan (one version of it: a published plan's new version is a new plan row).
    PlanId,
    /// An item of a plan's tree: a part or a task.
    ItemId,
    /// A unit of the directory.
    UnitId,
    /// A reporting period of a plan.
    PeriodId,
    /// A unit's progress report on a task for a period.
    ReportId,
    /// A quantitative target of a task.
    IndicatorId,
    /// An account.
    UserId,
    /// A unit's request for a later deadline.
    ExtensionId,
    /// A file attached to a report.
    EvidenceId,
    /// A 催报 sent to a unit.
    ReminderId,
    /// A 督办 of a lagging or overdue task, issued to its units.
    SupervisionId,
    /// A file a unit attached to its reply to a 督办.
    ReplyFileId,
    /// A notice to one person.
    NoticeId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_plain_integers() {
        assert_eq!(serde_json::to_string(&UnitId(42)).ok().as_deref(), Some("42"));
        assert_eq!(serde_json::from_str::<PeriodId>("7").ok(), Some(PeriodId(7)));
        assert!(serde_json::from_str::<PeriodId>("\"x\"").is_err());
        assert_eq!("12".parse::<PlanId>().ok(), Some(PlanId(12)));
        assert!("12a".parse::<PlanId>().is_err());
        assert_eq!(ItemId(3).to_string(), "3");
    }
}
