/**
 * The user object of the sample: what Passport puts on `req.user`, what
 * `TokenAuth` returns and what the views see as `this.user`. The default
 * `hasPermission` of nestjs-djust reads `permissions`.
 */
export interface SampleUser {
  id: number;
  username: string;
  permissions: string[];
}
