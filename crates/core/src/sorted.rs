//! Ordered maps and sets kept as one sorted `Vec`, for the sync state and the query ids.
//!
//! They hold at most a few thousand entries and are read far more often than changed. std's
//! B-tree compiled to about 10 KB of the extension's wasm per key and value type (issue 12); a
//! sorted vector is a binary search and a `memmove`. Iteration order and JSON are the B-tree's:
//! a map is an object, a set an array, both in key order.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map ordered by key.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(key, value)| (key, value))
    }
    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(key, _)| key)
    }
    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, value)| value)
    }
    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(key, value)| keep(key, value));
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries
            .binary_search_by(|(probe, _)| probe.borrow().cmp(key))
    }
    /// The value under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let index = self.position(key).ok()?;
        Some(&self.entries[index].1)
    }
    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.position(key).is_ok()
    }
    /// Sets the value under `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(index) => Some(std::mem::replace(&mut self.entries[index].1, value)),
            Err(index) => {
                self.entries.insert(index, (key, value));
                None
            }
        }
    }
    /// Takes the value under `key` out.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let index = self.position(key).ok()?;
        Some(self.entries.remove(index).1)
    }
    /// The value under `key`, inserting `make()`'s first.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let index = match self.position(&key) {
            Ok(index) => index,
            Err(index) => {
                self.entries.insert(index, (key, make()));
                index
            }
        };
        &mut self.entries[index].1
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// As repeated inserts: the last value of a repeated key wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut entries: Vec<(K, V)> = entries.into_iter().collect();
        // Stable, so that of equal keys the later stays later and is the one kept.
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        entries.reverse();
        entries.dedup_by(|(later, _), (earlier, _)| later == earlier);
        entries.reverse();
        Self { entries }
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(key, value)| (key, value))
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// A set ordered by value.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> SortedSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        Self { items: Vec::new() }
    }
    /// The number of values.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord> SortedSet<T> {
    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|probe| probe.borrow().cmp(value))
            .is_ok()
    }
    /// Adds `value`; false when it was there already.
    pub fn insert(&mut self, value: T) -> bool {
        match self.items.binary_search(&value) {
            Ok(_) => false,
            Err(index) => {
                self.items.insert(index, value);
                true
            }
        }
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut items: Vec<T> = values.into_iter().collect();
        items.sort();
        items.dedup();
        Self { items }
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_set().entries(&self.items).finish()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Values<T>(PhantomData<T>);
        impl<'de, T: Ord + Deserialize<'de>> Visitor<'de> for Values<T> {
            type Value = SortedSet<T>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(items.into_iter().collect())
            }
        }
        deserializer.deserialize_seq(Values(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Change {
        Insert(u8, u16),
        Remove(u8),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(key, value)| Change::Insert(key, value)),
            any::<u8>().prop_map(Change::Remove),
        ]
    }

    proptest! {
        #[test]
        fn a_sorted_map_answers_and_writes_json_as_a_b_tree_map_after_any_changes(
            changes in proptest::collection::vec(change(), 0..200),
            probe in any::<u8>(),
        ) {
            let mut sorted = SortedMap::new();
            let mut btree = BTreeMap::new();
            for change in changes {
                match change {
                    Change::Insert(key, value) => {
                        prop_assert_eq!(sorted.insert(key, value), btree.insert(key, value));
                    }
                    Change::Remove(key) => prop_assert_eq!(sorted.remove(&key), btree.remove(&key)),
                }
            }
            prop_assert_eq!(sorted.get(&probe), btree.get(&probe));
            prop_assert_eq!(sorted.contains_key(&probe), btree.contains_key(&probe));
            prop_assert_eq!(sorted.len(), btree.len());
            prop_assert!(sorted.iter().eq(btree.iter()));
            let json = serde_json::to_string(&sorted).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&btree).unwrap());
            let read: SortedMap<u8, u16> = serde_json::from_str(&json).unwrap();
            prop_assert!(read == sorted);
        }

        #[test]
        fn a_sorted_set_answers_and_writes_json_as_a_b_tree_set_after_any_inserts(
            values in proptest::collection::vec(any::<u8>(), 0..200),
            probe in any::<u8>(),
        ) {
            let mut sorted = SortedSet::new();
            let mut btree = BTreeSet::new();
            for value in &values {
                prop_assert_eq!(sorted.insert(*value), btree.insert(*value));
            }
            prop_assert_eq!(sorted.contains(&probe), btree.contains(&probe));
            prop_assert!(sorted.iter().eq(btree.iter()));
            prop_assert!(values.iter().copied().collect::<SortedSet<u8>>() == sorted);
            let json = serde_json::to_string(&sorted).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&btree).unwrap());
            let read: SortedSet<u8> = serde_json::from_str(&json).unwrap();
            prop_assert!(read == sorted);
        }
    }

    #[test]
    fn a_map_read_from_json_in_any_order_is_sorted_and_keeps_a_repeated_keys_last_value() {
        let read: SortedMap<String, u8> =
            serde_json::from_str(r#"{"b": 1, "a": 2, "c": 3, "a": 4}"#).unwrap();
        let entries: Vec<(&String, &u8)> = read.iter().collect();
        assert_eq!(
            entries,
            [
                (&"a".to_owned(), &4),
                (&"b".to_owned(), &1),
                (&"c".to_owned(), &3)
            ]
        );
        let read: SortedSet<u8> = serde_json::from_str("[3, 1, 3, 2]").unwrap();
        assert_eq!(read.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
    }
}
