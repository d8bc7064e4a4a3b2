/**
 * GENERATED FILE: do not edit by hand.
 * Source: openapi/restream.yaml. Regenerate with `npm run generate`; a test fails when this file is stale.
 */

export interface paths {
    "/o/token/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Obtain an access token with the client-credentials grant */
        post: operations["obtainToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the pads the token can access */
        get: operations["listPads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Get one pad */
        get: operations["getPad"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the sites (wells) the token can access */
        get: operations["listSites"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Get one site (a single site also carries fleet_id and fleet_name) */
        get: operations["getSite"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/states/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List site states (a site without a configured state has no entry) */
        get: operations["listStates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/states/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Get one state */
        get: operations["getState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/fields/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Metadata of the measurement fields (columns) of a pad */
        get: operations["getPadFields"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/history/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Stage history of a pad's sites, newest first */
        get: operations["getPadHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/aggregations/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Per-stage aggregated metrics of a pad's sites, keyed by site id */
        get: operations["getPadAggregations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/parameters/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Descriptions of the stage aggregations (parameters) available for a pad */
        get: operations["getPadParameters"];
        put?: never;
        /** Create stage aggregation descriptions for a pad */
        post: operations["createPadParameters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/data/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /**
         * Measurement rows of a pad's sites (streamed JSON array)
         * @description With `Prefer: streaming` the body is one JSON array of rows sent incrementally; it can be hundreds
         *     of MB. With `routed=true` every row carries `site_id` and one timestamp may have one row per site.
         */
        get: operations["getPadData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/pads/{id}/data_changes/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Unconfirmed data changes of a pad's sites */
        get: operations["getPadDataChanges"];
        put?: never;
        /** Confirm receipt of data changes of a pad's sites */
        post: operations["confirmPadDataChanges"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/fields/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Metadata of the measurement fields (columns) of a site */
        get: operations["getSiteFields"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/history/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Stage history of a site, newest first */
        get: operations["getSiteHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/aggregations/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Per-stage aggregated metrics of a site, keyed by site id */
        get: operations["getSiteAggregations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/parameters/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Descriptions of the stage aggregations (parameters) available for a site */
        get: operations["getSiteParameters"];
        put?: never;
        /** Create stage aggregation descriptions for a site */
        post: operations["createSiteParameters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/data/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /**
         * Measurement rows of a site (streamed JSON array)
         * @description With `Prefer: streaming` the body is one JSON array of rows sent incrementally; it can be hundreds
         *     of MB. Rows ascend by timestamp, one per second at raw resolution.
         */
        get: operations["getSiteData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/external/thirdparty/v1/sites/{id}/data_changes/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** Unconfirmed data changes of a site */
        get: operations["getSiteDataChanges"];
        put?: never;
        /** Confirm receipt of data changes of a site */
        post: operations["confirmSiteDataChanges"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description Stage-name filter value (`wl` is wireline).
         * @enum {string}
         */
        StageNameFilter: "frac" | "wl" | "standby";
        /**
         * @description Time resolution of measurement rows (`raw` is one row per second).
         * @enum {string}
         */
        Resolution: "raw" | "ten-second" | "minute" | "ten-minute" | "hour";
        /**
         * @description Aggregation of coarser resolutions.
         * @enum {string}
         */
        Aggregation: "min" | "max" | "mean";
        /**
         * @description Gap filling, backward or forward.
         * @enum {string}
         */
        FillDataMethod: "bfill" | "ffill";
        /**
         * Format: date-time
         * @description A UTC instant as `YYYY-MM-DDTHH:MM:SSZ` (history filters).
         */
        UtcDateTimeZ: string;
        /** @description A UTC instant as `YYYY-MM-DD HH:MM:SS` (measurement data filters). */
        UtcDateTimeSpace: string;
        TokenRequest: {
            client_id: string;
            client_secret: string;
            /** @enum {string} */
            grant_type: "client_credentials";
        };
        /**
         * @description OAuth2 token response (RFC 6749 5.1); `expires_in` is the lifetime in seconds. RFC 6749 makes
         *     `expires_in` optional, but this server (django-oauth-toolkit's `/o/token/`) always sends it and the
         *     SDK needs it to refresh ahead of expiry, so it is required here.
         */
        TokenResponse: {
            access_token: string;
            expires_in: number;
            token_type: string;
            scope?: string;
            refresh_token?: string;
        };
        Pad: {
            id: number;
            name: string;
            lease_name?: string | null;
            customer_name?: string | null;
            /** @description Simultaneous-operations configuration; null on pads without one. */
            simops_config?: components["schemas"]["PadSimopsConfig"] | null;
            /** Format: date-time */
            completion_date?: string | null;
            wireline_enabled?: boolean;
        };
        PadSimopsConfig: {
            frac?: string | null;
            wireline?: string | null;
            pumpdown?: string | null;
            fluid?: string | null;
            measurement_sources?: components["schemas"]["MeasurementSources"];
            /** @description Field names excluded from the pad's data. */
            exc_fields?: string[];
        };
        /** @description Measurement sources by category; other categories may appear with the same shape. */
        MeasurementSources: {
            frac?: components["schemas"]["MeasurementSource"][];
            wl?: components["schemas"]["MeasurementSource"][];
            fluid?: components["schemas"]["MeasurementSource"][];
            pumpdown?: components["schemas"]["MeasurementSource"][];
        } & {
            [key: string]: components["schemas"]["MeasurementSource"][];
        };
        MeasurementSource: {
            name: string;
            label?: string | null;
            type?: string;
            attached_sites?: number[];
            active_site?: number | null;
        };
        Site: {
            id: number;
            name: string;
            /** Format: date-time */
            date_created?: string;
            latitude?: number | null;
            longitude?: number | null;
            lease_name?: string | null;
            operator_name?: string | null;
            metadata?: components["schemas"]["SiteMetadata"] | null;
            well_api?: string | null;
            pad_id?: number | null;
            is_demo_site?: boolean;
            stage_total?: number | null;
            /** @description IANA zone name of the site, e.g. `US/Central`. */
            timezone?: string | null;
            /** @description Always present on a single site; present on list entries too, null without a fleet. */
            fleet_id?: number | null;
            fleet_name?: string | null;
        };
        /** @description Time span of the site's data, in unix seconds. */
        SiteMetadata: {
            first_timestamp?: number | null;
            last_timestamp?: number | null;
        };
        State: {
            id: number;
            site: components["schemas"]["StateSite"];
            /** @description Current state, e.g. `frac_frac`, `wl_runinhole`, `standby_standby`. */
            current_state: string;
            actual_stage_number?: number | null;
            completed_stage_number?: number | null;
            calculated_stage_number?: number | null;
            site_name?: string | null;
            /** Format: date-time */
            date_created?: string;
            /** Format: date-time */
            last_updated?: string;
            /** Format: date-time */
            last_state_update?: string | null;
            /** Format: date-time */
            last_state_update_system_time?: string | null;
            /** Format: date-time */
            last_state_confirmation_time?: string | null;
            truth_table?: components["schemas"]["TruthTable"] | null;
            site_component_configuration?: components["schemas"]["SiteComponentConfiguration"] | null;
            truth_table_calculating?: boolean;
            /** @description Primary field values at the last state change, by measurement source, then by field. */
            state_change_primary_field_values?: {
                [key: string]: {
                    [key: string]: components["schemas"]["PrimaryFieldValue"];
                };
            } | null;
            /** @description Id of the previous stage-history entry. */
            previous_state?: number | null;
        };
        PrimaryFieldValue: {
            value?: number | string | null;
            /** @description Unix seconds. */
            timestamp?: number | null;
        };
        /** @description The site a state belongs to, as nested in a State (a different shape from Site). */
        StateSite: {
            id: number;
            slug?: string | null;
            well_api?: string | null;
            name: string;
            short_name?: string | null;
            fleet?: components["schemas"]["NamedRef"] | null;
            /** @description Crew of the site, null when none (shape not seen yet). */
            crew?: {
                [key: string]: unknown;
            } | null;
            stage_total?: number | null;
            /** Format: date-time */
            date_created?: string;
            pad?: components["schemas"]["StatePad"] | null;
            latitude?: number | null;
            longitude?: number | null;
            db?: string | null;
            timezone?: string | null;
            memcache_read?: boolean;
            memcache_write?: boolean;
            primary_color?: string | null;
        };
        /** @description The pad of a state's site, as nested in a State. */
        StatePad: {
            id: number;
            name: string;
            customer?: components["schemas"]["NamedRef"] | null;
            simops_config?: components["schemas"]["PadSimopsConfig"] | null;
        };
        /** @description A small `{id, name}` reference (fleet, customer). */
        NamedRef: {
            id: number;
            name?: string | null;
        };
        /** @description Maps valve conditions to states. */
        TruthTable: {
            id: number;
            name?: string | null;
            description?: string | null;
            schema?: {
                rows?: ({
                    state?: string;
                    conditions?: string[];
                } & {
                    [key: string]: unknown;
                })[];
                conditions_order?: string[];
            } & {
                [key: string]: unknown;
            };
        };
        SiteComponentConfiguration: {
            id: number;
            site?: number;
            component_configurations?: components["schemas"]["ComponentConfiguration"][];
            site_name?: string | null;
            /** Format: date-time */
            date_created?: string;
            valve_tree_layout?: number | null;
        };
        /** @description One instrumented component (e.g. a valve stem indicator) of a site. */
        ComponentConfiguration: {
            id: number;
            component?: ({
                id?: number;
                component_type?: ({
                    id?: number;
                    name?: string;
                    description?: string | null;
                } & {
                    [key: string]: unknown;
                }) | null;
                serial_number?: string | null;
                component_type_name?: string | null;
                valve_safety_buffer_limit?: number | null;
            } & {
                [key: string]: unknown;
            }) | null;
            measurement_location?: ({
                id?: number;
                name?: string;
                location?: string | null;
                description?: string | null;
            } & {
                [key: string]: unknown;
            }) | null;
            /** @description Rules turning a raw value into a condition; `schema` is open-ended. */
            condition_logic_set?: ({
                id?: number;
                name?: string;
                description?: string | null;
                schema?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            }) | null;
            current_state?: string | null;
            /** Format: date-time */
            date_created?: string;
            /** Format: date-time */
            last_state_update?: string | null;
            /** Format: date-time */
            last_updated?: string | null;
            /** @description Not seen non-null yet. */
            pumpdown_sim_valve?: unknown;
            /** @description Not seen non-null yet. */
            downhole_sim_valve?: unknown;
            field_name?: string | null;
            last_value?: string | number | null;
            inactivity_threshold?: number | null;
        };
        /**
         * @description A stage-history entry. The stage still in progress has `end: null` and no `id` (it has no
         *     aggregations and is never sent in `histories`).
         */
        Stage: {
            id?: number;
            site: number;
            /** @description e.g. `frac_frac`, `wl_runinhole`, `standby_standby`. */
            state: string;
            stage_number: number;
            /** Format: date-time */
            start: string;
            /** Format: date-time */
            end?: string | null;
        };
        /**
         * @description Keyed by site id: that site's stage aggregations, or an error text when the site's aggregations
         *     failed (report it, do not drop it).
         */
        AggregationsResponse: {
            [key: string]: components["schemas"]["StageAggregation"][] | string;
        };
        /** @description The aggregated metrics of one stage; `id` is the stage (history) id. */
        StageAggregation: {
            id: number;
        } & {
            [key: string]: number | null;
        };
        /** @description Metadata of a measurement field (a data column). */
        Field: {
            id: number;
            name: string;
            label?: string | null;
            si_unit?: string | null;
            imperial_unit?: string | null;
            energistics_si_unit?: string | null;
            energistics_imperial_unit?: string | null;
            simops_label?: string | null;
            description?: string | null;
            connect_nulls?: boolean;
            customer_facing_label?: string | null;
            primary_color?: string | null;
            secondary_color?: string | null;
            tertiary_color?: string | null;
            source_category?: string | null;
            field_category?: string | null;
            si_plot_min?: number | null;
            si_plot_max?: number | null;
            imperial_plot_min?: number | null;
            imperial_plot_max?: number | null;
        };
        /** @description How a stage aggregation is computed from a field. */
        StageAggregationConfig: {
            field: string;
            /** @description e.g. `average`. */
            aggregation: string;
            si_unit?: string;
            base_unit?: string;
            imperial_unit?: string;
            conditions?: components["schemas"]["StageAggregationCondition"][];
        };
        /** @description Only samples meeting the condition enter the aggregation. */
        StageAggregationCondition: {
            field: string;
            /** @description e.g. `greater_than`, `less_than`, `greater_than_or_equal`. */
            operator: string;
            value?: number | string;
            si_unit?: string;
            base_unit?: string;
            imperial_unit?: string;
        };
        /** @description A stage aggregation (parameter) available for a pad or site. */
        StageAggregationDescription: {
            id: number;
            name: string;
            config?: components["schemas"]["StageAggregationConfig"];
            type?: string | null;
            label?: string | null;
            color?: string | null;
            description?: string | null;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
            units?: number | null;
            /** @description Unit id (not the unit text, which is in `config`). */
            imperial_unit?: number | null;
            /** @description Unit id (not the unit text, which is in `config`). */
            si_unit?: number | null;
            pads?: number[];
        };
        /** @description One element of the body of `POST .../parameters/`. */
        StageAggregationDescriptionCreate: {
            name: string;
            description?: string;
            config: {
                field: string;
                aggregation: string;
                si_unit: string;
                base_unit: string;
                imperial_unit: string;
                conditions?: components["schemas"]["StageAggregationCondition"][];
            };
        };
        /**
         * @description One row of measurements. Columns can differ between rows; a value is a number, a string (valve
         *     states such as `O`/`C`) or null, and a whole number may arrive as `1` or `1.0`.
         */
        MeasurementRow: {
            /** @description Unix seconds (a whole number). */
            timestamp: number;
            /** @description The row's site. The recorded site and pad rows all carry it. */
            site_id?: number;
        } & {
            [key: string]: number | string | null;
        };
        /**
         * @description A measurement WebSocket message. `message` may be one row, a list of rows (handle each), or JSON
         *     null / an empty string (skip).
         */
        MeasurementMessage: {
            session_key?: string;
            message: components["schemas"]["MeasurementRow"] | components["schemas"]["MeasurementRow"][] | null | string;
        };
        /**
         * @description A frame of a measurement stream: a `MeasurementMessage`, or an empty frame sent bare, JSON `null` or
         *     `""` (skip it; the official client skips exactly these two).
         */
        MeasurementFrame: components["schemas"]["MeasurementMessage"] | null | string;
        /** @description Sent by the client after every 5 messages received on a measurement stream. */
        AckMessage: {
            /** @enum {string} */
            ack: "true";
        };
        /** @description An instance-update WebSocket message of a site. */
        SiteUpdateMessage: components["schemas"]["Site"];
        /** @description An instance-update WebSocket message of a pad. */
        PadUpdateMessage: components["schemas"]["Pad"];
        /** @description A change to a site's stored data over `[start_date, end_date]`. */
        DataChange: {
            id: number;
            /** Format: date-time */
            created_at: string;
            /** @description e.g. `translation_layer`, `transaction`. */
            modification_type: string;
            /** @description e.g. `add`, `delete`, `change`, `move_delete`. */
            modification_subtype?: string | null;
            /** Format: date-time */
            start_date: string;
            /** Format: date-time */
            end_date: string;
            site: number;
        };
        DataChangeLog: {
            change_log: components["schemas"]["DataChange"][];
        };
        /** @description A data-change WebSocket message, one change or a list. */
        DataChangeMessage: components["schemas"]["DataChange"] | components["schemas"]["DataChange"][];
        DataChangeReceipt: {
            id: number;
            update_received: boolean;
        };
        /** @description Body of `POST .../data_changes/`. */
        DataChangeConfirmation: {
            change_log: components["schemas"]["DataChangeReceipt"][];
        };
        /**
         * @description Response to a receipt confirmation. Its shape is not documented; the official client reads it as
         *     `{"change_log": [...]}` listing the changes still unconfirmed (a confirmed change is absent).
         *     Any JSON is accepted.
         */
        DataChangeConfirmationResult: unknown;
        /** @description Error body of 401, 403, 404 and 429 responses. */
        ErrorDetail: {
            detail: string;
        };
        /** @description Generic error body (400, 5xx); often `{detail}`, sometimes per-field messages. */
        ErrorBody: {
            detail?: string;
            error?: string;
            message?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description Error body of the token endpoint (RFC 6749 5.2). */
        OAuthError: {
            error: string;
            error_description?: string;
        };
    };
    responses: {
        /** @description One JSON array of measurement rows, ascending by timestamp. */
        MeasurementRows: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["MeasurementRow"][];
            };
        };
        /** @description Receipt confirmed. The body is not documented; any JSON is accepted. */
        ConfirmationAccepted: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["DataChangeConfirmationResult"];
            };
        };
        /** @description Invalid query parameters or body. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Missing, bad or expired token. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorDetail"];
            };
        };
        /** @description The token has no access to this resource. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorDetail"];
            };
        };
        /** @description Unknown resource, or an API change. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorDetail"];
            };
        };
        /**
         * @description Concurrency limit reached: at most 3 concurrent calls per endpoint path (ids count as part of the
         *     path, the query does not) per token. Retry with backoff.
         */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait, when the server says. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorDetail"];
            };
        };
        /** @description Transient server error; retry with exponential backoff and jitter. */
        ServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
                "text/html": string;
                "text/plain": string;
            };
        };
        /** @description The token endpoint refused the credentials or the request. */
        OAuthError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthError"];
            };
        };
    };
    parameters: {
        /** @description Numeric id of the pad, site or state. */
        Id: number;
        /** @description Filter by completion (true = completed only, false = active only). */
        Complete: boolean;
        /** @description Pads that contain a site with this well API number. */
        WellApi: string;
        /** @description Pads that contain the site with this id. */
        SitePk: number;
        FleetId: number;
        FleetName: string;
        /** @description Sites of the pad with this id. */
        PadPk: number;
        /** @description Records belonging to the pad with this id. */
        PadIdFilter: number;
        /** @description Records belonging to the site with this id. */
        SiteIdFilter: number;
        /** @description States whose current state matches this stage-name filter. */
        CurrentStateSearch: components["schemas"]["StageNameFilter"];
        /** @description Stages ending at or after this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
        HistoryStart: components["schemas"]["UtcDateTimeZ"];
        /** @description Stages starting at or before this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
        HistoryEnd: components["schemas"]["UtcDateTimeZ"];
        HistoryStageNumber: number;
        /** @description Stage-name filter. */
        HistoryState: components["schemas"]["StageNameFilter"];
        /** @description Stage (history) ids, the key repeated once per id (`histories=1&histories=2`). */
        Histories: number[];
        /** @description `streaming` asks the server to send the JSON array incrementally. */
        Prefer: "streaming";
        /** @description First second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
        StartDatetime: components["schemas"]["UtcDateTimeSpace"];
        /** @description Last second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
        EndDatetime: components["schemas"]["UtcDateTimeSpace"];
        /** @description Comma-joined field names, sent as one value. The server's default is `exposed_to_customer`. */
        Fields: string;
        /** @description SI units when true, imperial when false (the server's default). */
        SiUnits: boolean;
        Resolution: components["schemas"]["Resolution"];
        /** @description Aggregation of coarser resolutions. */
        Agg: components["schemas"]["Aggregation"];
        /** @description Only rows of this stage; needs `state_imatch` (and `routed=true` on a pad). */
        DataStageNumber: number;
        /** @description Stage-name filter of the stage selected by `stage_number`. */
        StateImatch: components["schemas"]["StageNameFilter"];
        /** @description Comma-joined measurement source names, sent as one value. */
        MeasurementSource: string;
        /** @description Pads only. When true every row carries `site_id` (one row per site and timestamp). */
        Routed: boolean;
        /** @description Fill gaps (raw resolution only, without `agg`). Give `fill_data_limit` with it: the official client refuses a method without a limit, and so does this SDK (a `ValidationError` naming `fillDataLimit`, before any request). */
        FillDataMethod: components["schemas"]["FillDataMethod"];
        /** @description Longest gap to fill, in seconds; required with `fill_data_method`, and only with it. */
        FillDataLimit: number;
        /** @description Fill only inside the data area (raw resolution only, without `agg`). */
        InsideAreaOnly: boolean;
        /**
         * @description Identifies the server-side message queue of a measurement stream; the client generates one
         *     (32 random hex characters) when none is given and reuses it to resume.
         */
        SessionKey: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type StageNameFilter = components['schemas']['StageNameFilter'];
export type Resolution = components['schemas']['Resolution'];
export type Aggregation = components['schemas']['Aggregation'];
export type FillDataMethod = components['schemas']['FillDataMethod'];
export type UtcDateTimeZ = components['schemas']['UtcDateTimeZ'];
export type UtcDateTimeSpace = components['schemas']['UtcDateTimeSpace'];
export type TokenRequest = components['schemas']['TokenRequest'];
export type TokenResponse = components['schemas']['TokenResponse'];
export type Pad = components['schemas']['Pad'];
export type PadSimopsConfig = components['schemas']['PadSimopsConfig'];
export type MeasurementSources = components['schemas']['MeasurementSources'];
export type MeasurementSource = components['schemas']['MeasurementSource'];
export type Site = components['schemas']['Site'];
export type SiteMetadata = components['schemas']['SiteMetadata'];
export type State = components['schemas']['State'];
export type PrimaryFieldValue = components['schemas']['PrimaryFieldValue'];
export type StateSite = components['schemas']['StateSite'];
export type StatePad = components['schemas']['StatePad'];
export type NamedRef = components['schemas']['NamedRef'];
export type TruthTable = components['schemas']['TruthTable'];
export type SiteComponentConfiguration = components['schemas']['SiteComponentConfiguration'];
export type ComponentConfiguration = components['schemas']['ComponentConfiguration'];
export type Stage = components['schemas']['Stage'];
export type AggregationsResponse = components['schemas']['AggregationsResponse'];
export type StageAggregation = components['schemas']['StageAggregation'];
export type Field = components['schemas']['Field'];
export type StageAggregationConfig = components['schemas']['StageAggregationConfig'];
export type StageAggregationCondition = components['schemas']['StageAggregationCondition'];
export type StageAggregationDescription = components['schemas']['StageAggregationDescription'];
export type StageAggregationDescriptionCreate = components['schemas']['StageAggregationDescriptionCreate'];
export type MeasurementRow = components['schemas']['MeasurementRow'];
export type MeasurementMessage = components['schemas']['MeasurementMessage'];
export type MeasurementFrame = components['schemas']['MeasurementFrame'];
export type AckMessage = components['schemas']['AckMessage'];
export type SiteUpdateMessage = components['schemas']['SiteUpdateMessage'];
export type PadUpdateMessage = components['schemas']['PadUpdateMessage'];
export type DataChange = components['schemas']['DataChange'];
export type DataChangeLog = components['schemas']['DataChangeLog'];
export type DataChangeMessage = components['schemas']['DataChangeMessage'];
export type DataChangeReceipt = components['schemas']['DataChangeReceipt'];
export type DataChangeConfirmation = components['schemas']['DataChangeConfirmation'];
export type DataChangeConfirmationResult = components['schemas']['DataChangeConfirmationResult'];
export type ErrorDetail = components['schemas']['ErrorDetail'];
export type ErrorBody = components['schemas']['ErrorBody'];
export type OAuthError = components['schemas']['OAuthError'];
export type ResponseMeasurementRows = components['responses']['MeasurementRows'];
export type ResponseConfirmationAccepted = components['responses']['ConfirmationAccepted'];
export type ResponseBadRequest = components['responses']['BadRequest'];
export type ResponseUnauthorized = components['responses']['Unauthorized'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponseTooManyRequests = components['responses']['TooManyRequests'];
export type ResponseServerError = components['responses']['ServerError'];
export type ResponseOAuthError = components['responses']['OAuthError'];
export type ParameterId = components['parameters']['Id'];
export type ParameterComplete = components['parameters']['Complete'];
export type ParameterWellApi = components['parameters']['WellApi'];
export type ParameterSitePk = components['parameters']['SitePk'];
export type ParameterFleetId = components['parameters']['FleetId'];
export type ParameterFleetName = components['parameters']['FleetName'];
export type ParameterPadPk = components['parameters']['PadPk'];
export type ParameterPadIdFilter = components['parameters']['PadIdFilter'];
export type ParameterSiteIdFilter = components['parameters']['SiteIdFilter'];
export type ParameterCurrentStateSearch = components['parameters']['CurrentStateSearch'];
export type ParameterHistoryStart = components['parameters']['HistoryStart'];
export type ParameterHistoryEnd = components['parameters']['HistoryEnd'];
export type ParameterHistoryStageNumber = components['parameters']['HistoryStageNumber'];
export type ParameterHistoryState = components['parameters']['HistoryState'];
export type ParameterHistories = components['parameters']['Histories'];
export type ParameterPrefer = components['parameters']['Prefer'];
export type ParameterStartDatetime = components['parameters']['StartDatetime'];
export type ParameterEndDatetime = components['parameters']['EndDatetime'];
export type ParameterFields = components['parameters']['Fields'];
export type ParameterSiUnits = components['parameters']['SiUnits'];
export type ParameterResolution = components['parameters']['Resolution'];
export type ParameterAgg = components['parameters']['Agg'];
export type ParameterDataStageNumber = components['parameters']['DataStageNumber'];
export type ParameterStateImatch = components['parameters']['StateImatch'];
export type ParameterMeasurementSource = components['parameters']['MeasurementSource'];
export type ParameterRouted = components['parameters']['Routed'];
export type ParameterFillDataMethod = components['parameters']['FillDataMethod'];
export type ParameterFillDataLimit = components['parameters']['FillDataLimit'];
export type ParameterInsideAreaOnly = components['parameters']['InsideAreaOnly'];
export type ParameterSessionKey = components['parameters']['SessionKey'];
export type $defs = Record<string, never>;
export interface operations {
    obtainToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description A bearer token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["OAuthError"];
            401: components["responses"]["OAuthError"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    listPads: {
        parameters: {
            query?: {
                /** @description Filter by completion (true = completed only, false = active only). */
                complete?: components["parameters"]["Complete"];
                /** @description Pads that contain a site with this well API number. */
                well_api?: components["parameters"]["WellApi"];
                /** @description Pads that contain the site with this id. */
                site_pk?: components["parameters"]["SitePk"];
                fleet_id?: components["parameters"]["FleetId"];
                fleet_name?: components["parameters"]["FleetName"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pads. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pad"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPad: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pad. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pad"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    listSites: {
        parameters: {
            query?: {
                /** @description Filter by completion (true = completed only, false = active only). */
                complete?: components["parameters"]["Complete"];
                /** @description Sites of the pad with this id. */
                pad_pk?: components["parameters"]["PadPk"];
                /** @description Records belonging to the pad with this id. */
                pad__id?: components["parameters"]["PadIdFilter"];
                fleet_id?: components["parameters"]["FleetId"];
                fleet_name?: components["parameters"]["FleetName"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sites. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The site. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    listStates: {
        parameters: {
            query?: {
                /** @description Records belonging to the pad with this id. */
                pad__id?: components["parameters"]["PadIdFilter"];
                /** @description Records belonging to the site with this id. */
                site__id?: components["parameters"]["SiteIdFilter"];
                /** @description States whose current state matches this stage-name filter. */
                current_state_search?: components["parameters"]["CurrentStateSearch"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description States. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["State"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["State"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadFields: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Fields. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Field"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadHistory: {
        parameters: {
            query?: {
                /** @description Stages ending at or after this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                start?: components["parameters"]["HistoryStart"];
                /** @description Stages starting at or before this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                end?: components["parameters"]["HistoryEnd"];
                stage_number?: components["parameters"]["HistoryStageNumber"];
                /** @description Stage-name filter. */
                state?: components["parameters"]["HistoryState"];
            };
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stages. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stage"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadAggregations: {
        parameters: {
            query?: {
                /** @description Stage (history) ids, the key repeated once per id (`histories=1&histories=2`). */
                histories?: components["parameters"]["Histories"];
                /** @description Stages ending at or after this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                start?: components["parameters"]["HistoryStart"];
                /** @description Stages starting at or before this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                end?: components["parameters"]["HistoryEnd"];
                stage_number?: components["parameters"]["HistoryStageNumber"];
                /** @description Stage-name filter. */
                state?: components["parameters"]["HistoryState"];
            };
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Aggregations keyed by site id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AggregationsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadParameters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stage aggregation descriptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    createPadParameters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StageAggregationDescriptionCreate"][];
            };
        };
        responses: {
            /** @description The created descriptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            /** @description The created descriptions. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadData: {
        parameters: {
            query?: {
                /** @description First second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
                start_datetime?: components["parameters"]["StartDatetime"];
                /** @description Last second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
                end_datetime?: components["parameters"]["EndDatetime"];
                /** @description Comma-joined field names, sent as one value. The server's default is `exposed_to_customer`. */
                fields?: components["parameters"]["Fields"];
                /** @description SI units when true, imperial when false (the server's default). */
                si_units?: components["parameters"]["SiUnits"];
                resolution?: components["parameters"]["Resolution"];
                /** @description Aggregation of coarser resolutions. */
                agg?: components["parameters"]["Agg"];
                /** @description Only rows of this stage; needs `state_imatch` (and `routed=true` on a pad). */
                stage_number?: components["parameters"]["DataStageNumber"];
                /** @description Stage-name filter of the stage selected by `stage_number`. */
                state_imatch?: components["parameters"]["StateImatch"];
                /** @description Comma-joined measurement source names, sent as one value. */
                measurement_source?: components["parameters"]["MeasurementSource"];
                /** @description Pads only. When true every row carries `site_id` (one row per site and timestamp). */
                routed?: components["parameters"]["Routed"];
                /** @description Fill gaps (raw resolution only, without `agg`). Give `fill_data_limit` with it: the official client refuses a method without a limit, and so does this SDK (a `ValidationError` naming `fillDataLimit`, before any request). */
                fill_data_method?: components["parameters"]["FillDataMethod"];
                /** @description Longest gap to fill, in seconds; required with `fill_data_method`, and only with it. */
                fill_data_limit?: components["parameters"]["FillDataLimit"];
                /** @description Fill only inside the data area (raw resolution only, without `agg`). */
                inside_area_only?: components["parameters"]["InsideAreaOnly"];
            };
            header?: {
                /** @description `streaming` asks the server to send the JSON array incrementally. */
                Prefer?: components["parameters"]["Prefer"];
            };
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["MeasurementRows"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getPadDataChanges: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The change log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataChangeLog"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    confirmPadDataChanges: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DataChangeConfirmation"];
            };
        };
        responses: {
            200: components["responses"]["ConfirmationAccepted"];
            201: components["responses"]["ConfirmationAccepted"];
            /** @description Receipt confirmed, no body. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteFields: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Fields. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Field"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteHistory: {
        parameters: {
            query?: {
                /** @description Stages ending at or after this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                start?: components["parameters"]["HistoryStart"];
                /** @description Stages starting at or before this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                end?: components["parameters"]["HistoryEnd"];
                stage_number?: components["parameters"]["HistoryStageNumber"];
                /** @description Stage-name filter. */
                state?: components["parameters"]["HistoryState"];
            };
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stages. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stage"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteAggregations: {
        parameters: {
            query?: {
                /** @description Stage (history) ids, the key repeated once per id (`histories=1&histories=2`). */
                histories?: components["parameters"]["Histories"];
                /** @description Stages ending at or after this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                start?: components["parameters"]["HistoryStart"];
                /** @description Stages starting at or before this instant, UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
                end?: components["parameters"]["HistoryEnd"];
                stage_number?: components["parameters"]["HistoryStageNumber"];
                /** @description Stage-name filter. */
                state?: components["parameters"]["HistoryState"];
            };
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Aggregations keyed by site id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AggregationsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteParameters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stage aggregation descriptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    createSiteParameters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StageAggregationDescriptionCreate"][];
            };
        };
        responses: {
            /** @description The created descriptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            /** @description The created descriptions. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageAggregationDescription"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteData: {
        parameters: {
            query?: {
                /** @description First second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
                start_datetime?: components["parameters"]["StartDatetime"];
                /** @description Last second of the window (inclusive), UTC, `YYYY-MM-DD HH:MM:SS`. */
                end_datetime?: components["parameters"]["EndDatetime"];
                /** @description Comma-joined field names, sent as one value. The server's default is `exposed_to_customer`. */
                fields?: components["parameters"]["Fields"];
                /** @description SI units when true, imperial when false (the server's default). */
                si_units?: components["parameters"]["SiUnits"];
                resolution?: components["parameters"]["Resolution"];
                /** @description Aggregation of coarser resolutions. */
                agg?: components["parameters"]["Agg"];
                /** @description Only rows of this stage; needs `state_imatch` (and `routed=true` on a pad). */
                stage_number?: components["parameters"]["DataStageNumber"];
                /** @description Stage-name filter of the stage selected by `stage_number`. */
                state_imatch?: components["parameters"]["StateImatch"];
                /** @description Comma-joined measurement source names, sent as one value. */
                measurement_source?: components["parameters"]["MeasurementSource"];
                /** @description Fill gaps (raw resolution only, without `agg`). Give `fill_data_limit` with it: the official client refuses a method without a limit, and so does this SDK (a `ValidationError` naming `fillDataLimit`, before any request). */
                fill_data_method?: components["parameters"]["FillDataMethod"];
                /** @description Longest gap to fill, in seconds; required with `fill_data_method`, and only with it. */
                fill_data_limit?: components["parameters"]["FillDataLimit"];
                /** @description Fill only inside the data area (raw resolution only, without `agg`). */
                inside_area_only?: components["parameters"]["InsideAreaOnly"];
            };
            header?: {
                /** @description `streaming` asks the server to send the JSON array incrementally. */
                Prefer?: components["parameters"]["Prefer"];
            };
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["MeasurementRows"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    getSiteDataChanges: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The change log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataChangeLog"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
    confirmSiteDataChanges: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id of the pad, site or state. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DataChangeConfirmation"];
            };
        };
        responses: {
            200: components["responses"]["ConfirmationAccepted"];
            201: components["responses"]["ConfirmationAccepted"];
            /** @description Receipt confirmed, no body. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            "5XX": components["responses"]["ServerError"];
        };
    };
}
