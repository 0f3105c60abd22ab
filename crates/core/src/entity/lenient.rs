//! Typed fields that read LinkedIn's JSON straight from the text (borrowing its strings) and
//! never fail: a field of another type than expected is absent, as `entity::json` reads a
//! `serde_json::Value`. A record with a strange field is then skipped by its parser instead of
//! ending the page, and values nobody reads are skipped without being built.
//!
//! Each type accepts any JSON value; whatever it does not use is drained with [`IgnoredAny`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Implements the `visit_*` methods a lenient type ignores: the value is drained and read as
/// `Default`.
macro_rules! ignore_others {
    ($($method:ident($($arg:ty)?)),*) => {
        $(fn $method<E: serde::de::Error>(self $(, _: $arg)?) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        })*
    };
}

/// Drains a map or sequence nobody reads.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A string field, borrowed from the text when it has no escapes; `None` for anything else.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Str<'a>(pub(crate) Option<Cow<'a, str>>);

impl<'a> Str<'a> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string when it is not empty, owned (`entity::json::string`).
    pub(crate) fn non_empty(&self) -> Option<String> {
        self.as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Borrowed(text))))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Owned(text.to_owned()))))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Owned(text))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map).map(|()| Str(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq).map(|()| Str(None))
            }
            ignore_others!(
                visit_bool(bool),
                visit_i64(i64),
                visit_u64(u64),
                visit_f64(f64),
                visit_unit(),
                visit_none()
            );
        }
        deserializer.deserialize_any(StrVisitor(PhantomData))
    }
}

/// A plain string or an AttributedText `{text, attributes}`, verbatim (`entity::raw_text`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub(crate) Str<'a>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Str(Some(Cow::Borrowed(text)))))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Str(Some(Cow::Owned(text.to_owned())))))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Str(Some(Cow::Owned(text)))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
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
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq).map(|()| Text::default())
            }
            ignore_others!(
                visit_bool(bool),
                visit_i64(i64),
                visit_u64(u64),
                visit_f64(f64),
                visit_unit(),
                visit_none()
            );
        }
        deserializer.deserialize_any(TextVisitor(PhantomData))
    }
}

/// Generates a lenient scalar: `$name(Option<$ty>)` read from the JSON types the listed
/// methods take, absent for any other.
macro_rules! lenient_scalar {
    ($(#[$doc:meta])* $name:ident($ty:ty) { $($method:ident($arg:ident: $arg_ty:ty) => $read:expr),* $(,)? }
        ignoring { $($ignored:ident($($ignored_arg:ty)?)),* }) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
        pub(crate) struct $name(pub(crate) Option<$ty>);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ScalarVisitor;
                impl<'de> Visitor<'de> for ScalarVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("any JSON value")
                    }
                    $(fn $method<E>(self, $arg: $arg_ty) -> Result<Self::Value, E> {
                        Ok($name($read))
                    })*
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                        drain_map(map).map(|()| $name(None))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                        drain_seq(seq).map(|()| $name(None))
                    }
                    ignore_others!($($ignored($($ignored_arg)?)),*);
                }
                deserializer.deserialize_any(ScalarVisitor)
            }
        }
    };
}

lenient_scalar! {
    /// An epoch-milliseconds number as an instant (`entity::json::millis`).
    Millis(DateTime<Utc>) {
        visit_u64(n: u64) => DateTime::from_timestamp_millis(i64::try_from(n).unwrap_or(n as f64 as i64)),
        visit_i64(n: i64) => DateTime::from_timestamp_millis(n),
        visit_f64(n: f64) => DateTime::from_timestamp_millis(n as i64),
    }
    ignoring { visit_bool(bool), visit_str(&str), visit_unit(), visit_none() }
}

lenient_scalar! {
    /// A non-negative integer that fits in `u32` (`entity::json::count`).
    Count(u32) {
        visit_u64(n: u64) => u32::try_from(n).ok(),
        visit_i64(n: i64) => u32::try_from(n).ok(),
    }
    ignoring { visit_bool(bool), visit_f64(f64), visit_str(&str), visit_unit(), visit_none() }
}

lenient_scalar! {
    /// A boolean (`entity::json::flag`).
    Flag(bool) {
        visit_bool(value: bool) => Some(value),
    }
    ignoring { visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_str(&str), visit_unit(), visit_none() }
}

lenient_scalar! {
    /// Whether a field holds anything but `null` (`entity::json::present`), its value unread.
    Present(bool) {
        visit_bool(_value: bool) => Some(true),
        visit_i64(_n: i64) => Some(true),
        visit_u64(_n: u64) => Some(true),
        visit_f64(_n: f64) => Some(true),
        visit_str(_text: &str) => Some(true),
    }
    ignoring { visit_unit(), visit_none() }
}

impl Present {
    pub(crate) fn is_present(self) -> bool {
        self.0.is_some()
    }
}

/// An object read as `T`; `None` for `null` and any other non-object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Object<T>(pub(crate) Option<T>);

impl<T> Default for Object<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|value| Object(Some(value)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq).map(|()| Object(None))
            }
            ignore_others!(
                visit_bool(bool),
                visit_i64(i64),
                visit_u64(u64),
                visit_f64(f64),
                visit_str(&str),
                visit_unit(),
                visit_none()
            );
        }
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// An array of `T`; `None` for anything else. Items are read leniently by `T` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct List<T>(pub(crate) Option<Vec<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> List<T> {
    /// The items; none when the field is no array.
    pub(crate) fn items(&self) -> &[T] {
        self.0.as_deref().unwrap_or_default()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(Some(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map).map(|()| List(None))
            }
            ignore_others!(
                visit_bool(bool),
                visit_i64(i64),
                visit_u64(u64),
                visit_f64(f64),
                visit_str(&str),
                visit_unit(),
                visit_none()
            );
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// An array item or object field read as `T` when it is an object, else `T::default()`: for
/// records whose parser reports what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Record<T>(pub(crate) T);

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
