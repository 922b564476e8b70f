/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Server mode: the Program API's base URL, e.g. `http://127.0.0.1:4010/public`. */
  readonly VITE_PROGRAM_API_URL?: string;
  /** Server mode: Partner Center's base URL, e.g. `http://127.0.0.1:4010`. */
  readonly VITE_PARTNER_CENTER_URL?: string;
  /** The kit's control API (vetting, clock), e.g. `http://127.0.0.1:4010/__control`. */
  readonly VITE_CONTROL_URL?: string;
  readonly VITE_PROGRAM_TOKEN?: string;
  readonly VITE_PARTNER_CENTER_TOKEN?: string;
}
