/**
 * GENERATED FILE: do not edit by hand.
 * Source: openapi/restream.yaml. Regenerate with `npm run generate`; a test fails when this file is stale.
 */

/** A property path: property names, with "*" standing for every array element or every map value. */
export type DateTimeFieldPath = readonly string[];

/**
 * For every component schema, the paths of its properties that are date-time strings on the wire
 * (ISO-8601, UTC), following $ref, arrays, maps, nested objects and oneOf/anyOf/allOf.
 */
export const dateTimeFields = {
  "AckMessage": [],
  "Aggregation": [],
  "AggregationsResponse": [],
  "ComponentConfiguration": [
    ["date_created"],
    ["last_state_update"],
    ["last_updated"],
  ],
  "DataChange": [
    ["created_at"],
    ["end_date"],
    ["start_date"],
  ],
  "DataChangeConfirmation": [],
  "DataChangeConfirmationResult": [],
  "DataChangeLog": [
    ["change_log", "*", "created_at"],
    ["change_log", "*", "end_date"],
    ["change_log", "*", "start_date"],
  ],
  "DataChangeMessage": [
    ["*", "created_at"],
    ["*", "end_date"],
    ["*", "start_date"],
    ["created_at"],
    ["end_date"],
    ["start_date"],
  ],
  "DataChangeReceipt": [],
  "ErrorBody": [],
  "ErrorDetail": [],
  "Field": [],
  "FillDataMethod": [],
  "MeasurementFrame": [],
  "MeasurementMessage": [],
  "MeasurementRow": [],
  "MeasurementSource": [],
  "MeasurementSources": [],
  "NamedRef": [],
  "OAuthError": [],
  "Pad": [
    ["completion_date"],
  ],
  "PadSimopsConfig": [],
  "PadUpdateMessage": [
    ["completion_date"],
  ],
  "PrimaryFieldValue": [],
  "Resolution": [],
  "Site": [
    ["date_created"],
  ],
  "SiteComponentConfiguration": [
    ["component_configurations", "*", "date_created"],
    ["component_configurations", "*", "last_state_update"],
    ["component_configurations", "*", "last_updated"],
    ["date_created"],
  ],
  "SiteMetadata": [],
  "SiteUpdateMessage": [
    ["date_created"],
  ],
  "Stage": [
    ["end"],
    ["start"],
  ],
  "StageAggregation": [],
  "StageAggregationCondition": [],
  "StageAggregationConfig": [],
  "StageAggregationDescription": [
    ["created_at"],
    ["updated_at"],
  ],
  "StageAggregationDescriptionCreate": [],
  "StageNameFilter": [],
  "State": [
    ["date_created"],
    ["last_state_confirmation_time"],
    ["last_state_update"],
    ["last_state_update_system_time"],
    ["last_updated"],
    ["site", "date_created"],
    ["site_component_configuration", "component_configurations", "*", "date_created"],
    ["site_component_configuration", "component_configurations", "*", "last_state_update"],
    ["site_component_configuration", "component_configurations", "*", "last_updated"],
    ["site_component_configuration", "date_created"],
  ],
  "StatePad": [],
  "StateSite": [
    ["date_created"],
  ],
  "TokenRequest": [],
  "TokenResponse": [],
  "TruthTable": [],
  "UtcDateTimeSpace": [],
  "UtcDateTimeZ": [
    [],
  ],
} as const satisfies Record<string, readonly DateTimeFieldPath[]>;

export type SchemaName = keyof typeof dateTimeFields;

/**
 * Per operationId: the success status, its JSON body schema (`Name`, `Name[]`, `inline`, or `unknown`
 * when undocumented) and the date-time paths from the body root ("*" first for arrays).
 */
export const operationResponses = {
  "confirmPadDataChanges": {
    method: "POST",
    path: "/external/thirdparty/v1/pads/{id}/data_changes/",
    status: "200",
    schema: "DataChangeConfirmationResult",
    dateTimeFields: [],
  },
  "confirmSiteDataChanges": {
    method: "POST",
    path: "/external/thirdparty/v1/sites/{id}/data_changes/",
    status: "200",
    schema: "DataChangeConfirmationResult",
    dateTimeFields: [],
  },
  "createPadParameters": {
    method: "POST",
    path: "/external/thirdparty/v1/pads/{id}/parameters/",
    status: "200",
    schema: "StageAggregationDescription[]",
    dateTimeFields: [
      ["*", "created_at"],
      ["*", "updated_at"],
    ],
  },
  "createSiteParameters": {
    method: "POST",
    path: "/external/thirdparty/v1/sites/{id}/parameters/",
    status: "200",
    schema: "StageAggregationDescription[]",
    dateTimeFields: [
      ["*", "created_at"],
      ["*", "updated_at"],
    ],
  },
  "getPad": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/",
    status: "200",
    schema: "Pad",
    dateTimeFields: [
      ["completion_date"],
    ],
  },
  "getPadAggregations": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/aggregations/",
    status: "200",
    schema: "AggregationsResponse",
    dateTimeFields: [],
  },
  "getPadData": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/data/",
    status: "200",
    schema: "MeasurementRow[]",
    dateTimeFields: [],
  },
  "getPadDataChanges": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/data_changes/",
    status: "200",
    schema: "DataChangeLog",
    dateTimeFields: [
      ["change_log", "*", "created_at"],
      ["change_log", "*", "end_date"],
      ["change_log", "*", "start_date"],
    ],
  },
  "getPadFields": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/fields/",
    status: "200",
    schema: "Field[]",
    dateTimeFields: [],
  },
  "getPadHistory": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/history/",
    status: "200",
    schema: "Stage[]",
    dateTimeFields: [
      ["*", "end"],
      ["*", "start"],
    ],
  },
  "getPadParameters": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/{id}/parameters/",
    status: "200",
    schema: "StageAggregationDescription[]",
    dateTimeFields: [
      ["*", "created_at"],
      ["*", "updated_at"],
    ],
  },
  "getSite": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/",
    status: "200",
    schema: "Site",
    dateTimeFields: [
      ["date_created"],
    ],
  },
  "getSiteAggregations": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/aggregations/",
    status: "200",
    schema: "AggregationsResponse",
    dateTimeFields: [],
  },
  "getSiteData": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/data/",
    status: "200",
    schema: "MeasurementRow[]",
    dateTimeFields: [],
  },
  "getSiteDataChanges": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/data_changes/",
    status: "200",
    schema: "DataChangeLog",
    dateTimeFields: [
      ["change_log", "*", "created_at"],
      ["change_log", "*", "end_date"],
      ["change_log", "*", "start_date"],
    ],
  },
  "getSiteFields": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/fields/",
    status: "200",
    schema: "Field[]",
    dateTimeFields: [],
  },
  "getSiteHistory": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/history/",
    status: "200",
    schema: "Stage[]",
    dateTimeFields: [
      ["*", "end"],
      ["*", "start"],
    ],
  },
  "getSiteParameters": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/{id}/parameters/",
    status: "200",
    schema: "StageAggregationDescription[]",
    dateTimeFields: [
      ["*", "created_at"],
      ["*", "updated_at"],
    ],
  },
  "getState": {
    method: "GET",
    path: "/external/thirdparty/v1/states/{id}/",
    status: "200",
    schema: "State",
    dateTimeFields: [
      ["date_created"],
      ["last_state_confirmation_time"],
      ["last_state_update"],
      ["last_state_update_system_time"],
      ["last_updated"],
      ["site", "date_created"],
      ["site_component_configuration", "component_configurations", "*", "date_created"],
      ["site_component_configuration", "component_configurations", "*", "last_state_update"],
      ["site_component_configuration", "component_configurations", "*", "last_updated"],
      ["site_component_configuration", "date_created"],
    ],
  },
  "listPads": {
    method: "GET",
    path: "/external/thirdparty/v1/pads/",
    status: "200",
    schema: "Pad[]",
    dateTimeFields: [
      ["*", "completion_date"],
    ],
  },
  "listSites": {
    method: "GET",
    path: "/external/thirdparty/v1/sites/",
    status: "200",
    schema: "Site[]",
    dateTimeFields: [
      ["*", "date_created"],
    ],
  },
  "listStates": {
    method: "GET",
    path: "/external/thirdparty/v1/states/",
    status: "200",
    schema: "State[]",
    dateTimeFields: [
      ["*", "date_created"],
      ["*", "last_state_confirmation_time"],
      ["*", "last_state_update"],
      ["*", "last_state_update_system_time"],
      ["*", "last_updated"],
      ["*", "site", "date_created"],
      ["*", "site_component_configuration", "component_configurations", "*", "date_created"],
      ["*", "site_component_configuration", "component_configurations", "*", "last_state_update"],
      ["*", "site_component_configuration", "component_configurations", "*", "last_updated"],
      ["*", "site_component_configuration", "date_created"],
    ],
  },
  "obtainToken": {
    method: "POST",
    path: "/o/token/",
    status: "200",
    schema: "TokenResponse",
    dateTimeFields: [],
  },
} as const satisfies Record<
  string,
  { method: string; path: string; status: string; schema: string; dateTimeFields: readonly DateTimeFieldPath[] }
>;

export type OperationId = keyof typeof operationResponses;

/** Per WebSocket path template (x-websockets): the schema of the messages the server sends. */
export const websocketMessages = {
  "/external/thirdparty/v2/ws/pads/{id}/": { server: "PadUpdateMessage" },
  "/external/thirdparty/v2/ws/pads/{id}/data_changes/": { server: "DataChangeMessage" },
  "/external/thirdparty/v2/ws/sites/{id}/": { server: "SiteUpdateMessage" },
  "/external/thirdparty/v2/ws/sites/{id}/data_changes/": { server: "DataChangeMessage" },
  "/ws/data/pad/{id}/": { server: "MeasurementFrame", client: "AckMessage" },
  "/ws/data/site/{id}/": { server: "MeasurementFrame", client: "AckMessage" },
} as const;

export type WebSocketPath = keyof typeof websocketMessages;
