//! Typed fields that read LinkedIn's JSON straight from the text (borrowing its strings) and
//! never fail: a field of another type than expected is absent, as `ping_core::entity::json` reads a
//! `serde_json::Value`. A record with a strange field is then skipped by its parser instead of
//! ending the page, and values nobody reads are skipped without being built.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A type read from any JSON value: a shape it does not take is absent (`Default`), and maps
/// and sequences it does not take are drained unread.
pub trait Lenient<'de>: Default {
    /// A boolean.
    fn from_bool(_: bool) -> Self {
        Self::default()
    }
    /// A non-negative integer.
    fn from_u64(_: u64) -> Self {
        Self::default()
    }
    /// A negative integer.
    fn from_i64(_: i64) -> Self {
        Self::default()
    }
    /// A number with a fraction or an exponent.
    fn from_f64(_: f64) -> Self {
        Self::default()
    }
    /// A string, borrowed from the text when it has no escapes.
    fn from_str(_: Cow<'de, str>) -> Self {
        Self::default()
    }
    /// An object, its entries still unread.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        drain_map(map).map(|()| Self::default())
    }
    /// An array, its items still unread.
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        drain_seq(seq).map(|()| Self::default())
    }
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads a [`Lenient`] type; its `Deserialize` impl is this.
pub fn read<'de, T: Lenient<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(LenientVisitor(PhantomData))
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<T, E> {
        Ok(T::from_bool(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<T, E> {
        Ok(T::from_u64(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<T, E> {
        Ok(T::from_i64(value))
    }
    fn visit_f64<E>(self, value: f64) -> Result<T, E> {
        Ok(T::from_f64(value))
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<T, E> {
        Ok(T::from_str(Cow::Borrowed(text)))
    }
    fn visit_str<E>(self, text: &str) -> Result<T, E> {
        Ok(T::from_str(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E>(self, text: String) -> Result<T, E> {
        Ok(T::from_str(Cow::Owned(text)))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::from_seq(seq)
    }
}

/// `Deserialize` through [`Lenient`], for types without lifetimes or type parameters.
macro_rules! deserialize_leniently {
    ($($name:ident),*) => {
        $(impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                read(deserializer)
            }
        })*
    };
}

/// A string field, borrowed from the text when it has no escapes; `None` for anything else.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Option<Cow<'a, str>>);

impl Str<'_> {
    /// The string, if the field held one.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string when it is not empty, owned (`ping_core::entity::json::string`).
    pub fn non_empty(&self) -> Option<String> {
        self.as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    }
}

impl<'de: 'a, 'a> Lenient<'de> for Str<'a> {
    fn from_str(text: Cow<'de, str>) -> Self {
        Str(Some(text))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// A plain string or an AttributedText `{text, attributes}`, verbatim (`ping_core::entity::raw_text`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Str<'a>);

impl Text<'_> {
    /// The text, if the field held a string or a `{text}` object.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }
}

impl<'de: 'a, 'a> Lenient<'de> for Text<'a> {
    fn from_str(text: Cow<'de, str>) -> Self {
        Text(Str(Some(text)))
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut text = Str(None);
        while let Some(key) = map.next_key::<Cow<'_, str>>()? {
            if key == "text" {
                text = map.next_value()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Text(text))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// An epoch-milliseconds number as an instant (`ping_core::entity::json::millis`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Millis(pub Option<DateTime<Utc>>);

impl Lenient<'_> for Millis {
    fn from_u64(n: u64) -> Self {
        // As `Value::as_i64` then `as_f64`: beyond i64 the float, saturated.
        Self::from_i64(i64::try_from(n).unwrap_or(n as f64 as i64))
    }
    fn from_i64(n: i64) -> Self {
        Millis(DateTime::from_timestamp_millis(n))
    }
    fn from_f64(n: f64) -> Self {
        Self::from_i64(n as i64)
    }
}

/// A non-negative integer that fits in `u32` (`ping_core::entity::json::count`); floats are not counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub Option<u32>);

impl Lenient<'_> for Count {
    fn from_u64(n: u64) -> Self {
        Count(u32::try_from(n).ok())
    }
    fn from_i64(n: i64) -> Self {
        Count(u32::try_from(n).ok())
    }
}

/// A boolean (`ping_core::entity::json::flag`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl Lenient<'_> for Flag {
    fn from_bool(value: bool) -> Self {
        Flag(Some(value))
    }
}

/// Whether a field holds anything but `null` (`ping_core::entity::json::present`), its value unread.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Present(bool);

impl Present {
    /// Whether the field held anything but `null`.
    pub fn is_present(self) -> bool {
        self.0
    }
}

impl<'de> Lenient<'de> for Present {
    fn from_bool(_: bool) -> Self {
        Present(true)
    }
    fn from_u64(_: u64) -> Self {
        Present(true)
    }
    fn from_i64(_: i64) -> Self {
        Present(true)
    }
    fn from_f64(_: f64) -> Self {
        Present(true)
    }
    fn from_str(_: Cow<'de, str>) -> Self {
        Present(true)
    }
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        drain_map(map).map(|()| Present(true))
    }
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        drain_seq(seq).map(|()| Present(true))
    }
}

deserialize_leniently!(Millis, Count, Flag, Present);

/// An object read as `T`; `None` for `null` and any other non-object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object<T>(pub Option<T>);

impl<T> Default for Object<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: Deserialize<'de>> Lenient<'de> for Object<T> {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|value| Object(Some(value)))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// An array of `T`; `None` for anything else. Items are read leniently by `T` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T>(pub Option<Vec<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> List<T> {
    /// The items; none when the field is no array.
    pub fn items(&self) -> &[T] {
        self.0.as_deref().unwrap_or_default()
    }
}

impl<'de, T: Deserialize<'de>> Lenient<'de> for List<T> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(List(Some(items)))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// An array item or object field read as `T` when it is an object, else `T::default()`: for
/// records whose parser reports what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Record<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::<T>::deserialize(deserializer).map(|object| Record(object.0.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct Sample<'a> {
        #[serde(borrow)]
        name: Str<'a>,
        #[serde(borrow)]
        title: Text<'a>,
        at: Millis,
        count: Count,
        flag: Flag,
        extra: Present,
        #[serde(borrow)]
        inner: Object<Box<Sample<'a>>>,
        list: List<Count>,
    }

    #[test]
    fn fields_of_another_type_are_absent_and_the_rest_is_read() {
        let body = r#"{"name": {"a": [1]}, "title": {"text": "T", "attributes": []},
            "at": 1767225600000, "count": -1, "flag": "yes", "extra": 0,
            "inner": {"name": "x\"y", "title": 7, "count": 4, "list": {}}, "list": [1, "2", 3.5]}"#;
        let sample: Sample = serde_json::from_str(body).unwrap();
        assert_eq!(sample.name.as_str(), None);
        assert_eq!(sample.title.as_str(), Some("T"));
        assert_eq!(sample.at.0.map(|at| at.timestamp()), Some(1_767_225_600));
        assert_eq!((sample.count.0, sample.flag.0), (None, None));
        assert!(sample.extra.is_present());
        let inner = sample.inner.0.unwrap();
        assert_eq!(inner.name.as_str(), Some("x\"y"));
        assert_eq!((inner.title.as_str(), inner.count.0), (None, Some(4)));
        assert_eq!(inner.list.0, None);
        assert_eq!(
            sample.list.items(),
            [Count(Some(1)), Count(None), Count(None)]
        );
    }

    #[test]
    fn unescaped_strings_are_borrowed_from_the_text() {
        let sample: Sample = serde_json::from_str(r#"{"name": "plain"}"#).unwrap();
        assert!(matches!(sample.name.0, Some(Cow::Borrowed("plain"))));
    }
}
