//! `/voyager/api/me` and the dash profiles resource, plain and normalized (§1.6, §7.2).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::envelope::json_response;
use super::json::vector_image;
use crate::data::Member;
use crate::faults::json_status;
use crate::media::MediaCtx;
use crate::request::Req;
use crate::state::Shared;

const NORMALIZED: &str = "application/vnd.linkedin.normalized+json+2.1";

fn tracking_id(member: &Member) -> String {
    format!("fakeTrack{:08x}==", member.member_number)
}

/// `GET /voyager/api/me`.
pub fn me(shared: &Shared, req: &Req) -> Response {
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    let owner = account.owner();
    let id = owner.urn.id();
    let picture = owner.picture.as_ref().map(|p| vector_image(&ctx, p));
    let mut mini = json!({
        "firstName": owner.first_name, "lastName": owner.last_name, "occupation": owner.headline(),
        "publicIdentifier": owner.public_identifier,
        "entityUrn": format!("urn:li:fs_miniProfile:{id}"), "dashEntityUrn": owner.urn.to_string(),
        "objectUrn": format!("urn:li:member:{}", owner.member_number),
        "memorialized": false, "trackingId": tracking_id(owner)
    });
    if req.accepts(NORMALIZED) {
        mini["$type"] = json!("com.linkedin.voyager.identity.shared.MiniProfile");
        if let Some(mut picture) = picture {
            picture["$type"] = picture["_type"].take();
            mini["picture"] = picture;
        }
        let body = json!({
            "data": {"$type": "com.linkedin.voyager.common.Me", "plainId": owner.member_number,
                     "*miniProfile": format!("urn:li:fs_miniProfile:{id}"), "premiumSubscriber": false},
            "included": [mini]
        });
        return json_response(StatusCode::OK, NORMALIZED, &body);
    }
    if let Some(picture) = picture {
        mini["picture"] = json!({"com.linkedin.common.VectorImage": picture});
    }
    let body =
        json!({"plainId": owner.member_number, "miniProfile": mini, "premiumSubscriber": false});
    json_response(StatusCode::OK, "application/json", &body)
}

fn profile(member: &Member, ctx: &MediaCtx) -> Value {
    let id = member.urn.id();
    let picture = member.picture.as_ref().map_or(Value::Null, |p| {
        json!({"displayImageUrn": format!("urn:li:digitalmediaAsset:{}", p.asset), "frameType": null,
               "displayImageReference": {"vectorImage": vector_image(ctx, p)}})
    });
    json!({
        "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
        "entityUrn": member.urn.to_string(),
        "objectUrn": format!("urn:li:member:{}", member.member_number),
        "publicIdentifier": member.public_identifier,
        "firstName": member.first_name, "lastName": member.last_name,
        "headline": member.headline(),
        "trackingId": tracking_id(member),
        "premium": false, "influencer": false, "creator": false, "memorialized": false,
        "geoLocation": {"geoUrn": format!("urn:li:fsd_geo:{}", 100_000_000 + member.member_number % 1000),
                        "geo": {"defaultLocalizedName": member.location,
                                "entityUrn": format!("urn:li:fsd_geo:{}", 100_000_000 + member.member_number % 1000)}},
        "profileTopPosition": {"elements": [{
            "entityUrn": format!("urn:li:fsd_profilePosition:({id},{})", 2_000_000_000 + member.member_number % 1_000_000),
            "title": member.title, "companyName": member.company,
            "company": {"name": member.company}}]},
        "profilePicture": picture
    })
}

/// Moves nested geo and position objects into `included` with `*` references.
fn normalized(mut plain: Value) -> Value {
    let mut included = Vec::new();
    let geo = plain["geoLocation"]["geo"].take();
    let geo_urn = geo["entityUrn"].clone();
    let mut geo_entity = geo;
    geo_entity["$type"] = json!("com.linkedin.voyager.dash.common.Geo");
    included.push(geo_entity);
    plain["geoLocation"] = json!({"*geo": geo_urn});
    let mut position = plain["profileTopPosition"]["elements"][0].take();
    let position_urn = position["entityUrn"].clone();
    position["$type"] = json!("com.linkedin.voyager.dash.identity.profile.Position");
    included.push(position);
    plain["profileTopPosition"] = json!({"*elements": [position_urn]});
    let profile_urn = plain["entityUrn"].clone();
    included.insert(0, plain);
    json!({"data": {"*elements": [profile_urn], "paging": {"start": 0, "count": 10, "total": 1}},
           "included": included})
}

/// `GET /voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=…`.
pub fn dash(shared: &Shared, req: &Req) -> Response {
    if req.param("q").as_deref() != Some("memberIdentity") {
        return json_status(StatusCode::BAD_REQUEST);
    }
    let Some(identity) = req.param("memberIdentity") else {
        return json_status(StatusCode::BAD_REQUEST);
    };
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    let Some(member) = account.member(&identity) else {
        return json_status(StatusCode::NOT_FOUND);
    };
    let plain = profile(member, &ctx);
    if req.accepts(NORMALIZED) {
        return json_response(StatusCode::OK, NORMALIZED, &normalized(plain));
    }
    json_response(
        StatusCode::OK,
        "application/json",
        &json!({"elements": [plain]}),
    )
}
