/**
 * The contract's path templates per kind of asset. Sites and pads have the same sub-resources; keeping the
 * pairs here, typed against the generated `paths`, lets one implementation serve both without building
 * a URL by hand (a misspelt template fails to compile).
 */
import type { paths } from '../../generated/schema';

export type AssetKind = 'site' | 'pad';

export const ASSET_ENDPOINTS = {
  site: {
    one: '/external/thirdparty/v1/sites/{id}/',
    fields: '/external/thirdparty/v1/sites/{id}/fields/',
    history: '/external/thirdparty/v1/sites/{id}/history/',
    aggregations: '/external/thirdparty/v1/sites/{id}/aggregations/',
    parameters: '/external/thirdparty/v1/sites/{id}/parameters/',
    data: '/external/thirdparty/v1/sites/{id}/data/',
    dataChanges: '/external/thirdparty/v1/sites/{id}/data_changes/',
  },
  pad: {
    one: '/external/thirdparty/v1/pads/{id}/',
    fields: '/external/thirdparty/v1/pads/{id}/fields/',
    history: '/external/thirdparty/v1/pads/{id}/history/',
    aggregations: '/external/thirdparty/v1/pads/{id}/aggregations/',
    parameters: '/external/thirdparty/v1/pads/{id}/parameters/',
    data: '/external/thirdparty/v1/pads/{id}/data/',
    dataChanges: '/external/thirdparty/v1/pads/{id}/data_changes/',
  },
} as const satisfies Record<AssetKind, Record<string, keyof paths>>;

export const LIST_ENDPOINTS = {
  pads: '/external/thirdparty/v1/pads/',
  sites: '/external/thirdparty/v1/sites/',
  states: '/external/thirdparty/v1/states/',
  state: '/external/thirdparty/v1/states/{id}/',
} as const satisfies Record<string, keyof paths>;
