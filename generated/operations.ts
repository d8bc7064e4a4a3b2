/**
 * GENERATED FILE: do not edit by hand.
 * Source: openapi/restream.yaml. Regenerate with `npm run generate`; a test fails when this file is stale.
 */

export interface ParameterSpec {
  readonly type: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly minLength?: number;
  /** Array parameters: the item type; `explode` true means the key is repeated once per value. */
  readonly items?: { readonly type: string };
  readonly explode?: boolean;
  readonly required?: boolean;
}

/** Per operationId: HTTP method and path template. */
export const operations = {
  "confirmPadDataChanges": { method: "POST", path: "/external/thirdparty/v1/pads/{id}/data_changes/" },
  "confirmSiteDataChanges": { method: "POST", path: "/external/thirdparty/v1/sites/{id}/data_changes/" },
  "createPadParameters": { method: "POST", path: "/external/thirdparty/v1/pads/{id}/parameters/" },
  "createSiteParameters": { method: "POST", path: "/external/thirdparty/v1/sites/{id}/parameters/" },
  "getPad": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/" },
  "getPadAggregations": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/aggregations/" },
  "getPadData": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/data/" },
  "getPadDataChanges": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/data_changes/" },
  "getPadFields": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/fields/" },
  "getPadHistory": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/history/" },
  "getPadParameters": { method: "GET", path: "/external/thirdparty/v1/pads/{id}/parameters/" },
  "getSite": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/" },
  "getSiteAggregations": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/aggregations/" },
  "getSiteData": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/data/" },
  "getSiteDataChanges": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/data_changes/" },
  "getSiteFields": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/fields/" },
  "getSiteHistory": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/history/" },
  "getSiteParameters": { method: "GET", path: "/external/thirdparty/v1/sites/{id}/parameters/" },
  "getState": { method: "GET", path: "/external/thirdparty/v1/states/{id}/" },
  "listPads": { method: "GET", path: "/external/thirdparty/v1/pads/" },
  "listSites": { method: "GET", path: "/external/thirdparty/v1/sites/" },
  "listStates": { method: "GET", path: "/external/thirdparty/v1/states/" },
  "obtainToken": { method: "POST", path: "/o/token/" },
} as const;

export type OperationId = keyof typeof operations;

/** Per operationId: its query parameters, by name as the API spells them. */
export const queryParameters = {
  "confirmPadDataChanges": {},
  "confirmSiteDataChanges": {},
  "createPadParameters": {},
  "createSiteParameters": {},
  "getPad": {},
  "getPadAggregations": {
    "end": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "histories": {"type":"array","items":{"type":"integer"},"explode":true},
    "stage_number": {"type":"integer"},
    "start": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "state": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getPadData": {
    "agg": {"type":"string","enum":["min","max","mean"]},
    "end_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "fields": {"type":"string","minLength":1},
    "fill_data_limit": {"type":"integer","minimum":1},
    "fill_data_method": {"type":"string","enum":["bfill","ffill"]},
    "inside_area_only": {"type":"boolean"},
    "measurement_source": {"type":"string","minLength":1},
    "resolution": {"type":"string","enum":["raw","ten-second","minute","ten-minute","hour"]},
    "routed": {"type":"boolean"},
    "si_units": {"type":"boolean"},
    "stage_number": {"type":"integer"},
    "start_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "state_imatch": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getPadDataChanges": {},
  "getPadFields": {},
  "getPadHistory": {
    "end": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "stage_number": {"type":"integer"},
    "start": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "state": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getPadParameters": {},
  "getSite": {},
  "getSiteAggregations": {
    "end": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "histories": {"type":"array","items":{"type":"integer"},"explode":true},
    "stage_number": {"type":"integer"},
    "start": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "state": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getSiteData": {
    "agg": {"type":"string","enum":["min","max","mean"]},
    "end_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "fields": {"type":"string","minLength":1},
    "fill_data_limit": {"type":"integer","minimum":1},
    "fill_data_method": {"type":"string","enum":["bfill","ffill"]},
    "inside_area_only": {"type":"boolean"},
    "measurement_source": {"type":"string","minLength":1},
    "resolution": {"type":"string","enum":["raw","ten-second","minute","ten-minute","hour"]},
    "si_units": {"type":"boolean"},
    "stage_number": {"type":"integer"},
    "start_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "state_imatch": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getSiteDataChanges": {},
  "getSiteFields": {},
  "getSiteHistory": {
    "end": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "stage_number": {"type":"integer"},
    "start": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$","format":"date-time"},
    "state": {"type":"string","enum":["frac","wl","standby"]},
  },
  "getSiteParameters": {},
  "getState": {},
  "listPads": {
    "complete": {"type":"boolean"},
    "fleet_id": {"type":"integer"},
    "fleet_name": {"type":"string"},
    "site_pk": {"type":"integer"},
    "well_api": {"type":"string"},
  },
  "listSites": {
    "complete": {"type":"boolean"},
    "fleet_id": {"type":"integer"},
    "fleet_name": {"type":"string"},
    "pad__id": {"type":"integer"},
    "pad_pk": {"type":"integer"},
  },
  "listStates": {
    "current_state_search": {"type":"string","enum":["frac","wl","standby"]},
    "pad__id": {"type":"integer"},
    "site__id": {"type":"integer"},
  },
  "obtainToken": {},
} as const satisfies Record<OperationId, Record<string, ParameterSpec>>;

/** Per operationId: its header parameters. */
export const headerParameters = {
  "confirmPadDataChanges": {},
  "confirmSiteDataChanges": {},
  "createPadParameters": {},
  "createSiteParameters": {},
  "getPad": {},
  "getPadAggregations": {},
  "getPadData": {
    "Prefer": {"type":"string","enum":["streaming"]},
  },
  "getPadDataChanges": {},
  "getPadFields": {},
  "getPadHistory": {},
  "getPadParameters": {},
  "getSite": {},
  "getSiteAggregations": {},
  "getSiteData": {
    "Prefer": {"type":"string","enum":["streaming"]},
  },
  "getSiteDataChanges": {},
  "getSiteFields": {},
  "getSiteHistory": {},
  "getSiteParameters": {},
  "getState": {},
  "listPads": {},
  "listSites": {},
  "listStates": {},
  "obtainToken": {},
} as const satisfies Record<OperationId, Record<string, ParameterSpec>>;

/** Per WebSocket path template (x-websockets): its query parameters. */
export const websocketQueryParameters = {
  "/external/thirdparty/v2/ws/pads/{id}/": {},
  "/external/thirdparty/v2/ws/pads/{id}/data_changes/": {},
  "/external/thirdparty/v2/ws/sites/{id}/": {},
  "/external/thirdparty/v2/ws/sites/{id}/data_changes/": {},
  "/ws/data/pad/{id}/": {
    "agg": {"type":"string","enum":["min","max","mean"]},
    "end_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "fields": {"type":"string","minLength":1},
    "fill_data_limit": {"type":"integer","minimum":1},
    "fill_data_method": {"type":"string","enum":["bfill","ffill"]},
    "inside_area_only": {"type":"boolean"},
    "measurement_source": {"type":"string","minLength":1},
    "resolution": {"type":"string","enum":["raw","ten-second","minute","ten-minute","hour"]},
    "routed": {"type":"boolean"},
    "session_key": {"type":"string","minLength":1},
    "si_units": {"type":"boolean"},
    "stage_number": {"type":"integer"},
    "start_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "state_imatch": {"type":"string","enum":["frac","wl","standby"]},
  },
  "/ws/data/site/{id}/": {
    "agg": {"type":"string","enum":["min","max","mean"]},
    "end_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "fields": {"type":"string","minLength":1},
    "fill_data_limit": {"type":"integer","minimum":1},
    "fill_data_method": {"type":"string","enum":["bfill","ffill"]},
    "inside_area_only": {"type":"boolean"},
    "measurement_source": {"type":"string","minLength":1},
    "resolution": {"type":"string","enum":["raw","ten-second","minute","ten-minute","hour"]},
    "session_key": {"type":"string","minLength":1},
    "si_units": {"type":"boolean"},
    "stage_number": {"type":"integer"},
    "start_datetime": {"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"},
    "state_imatch": {"type":"string","enum":["frac","wl","standby"]},
  },
} as const satisfies Record<string, Record<string, ParameterSpec>>;
