import { submitEnquiryRoute } from './enquiries/enquiries.routes.js';
import { officeHoursRoute } from './http/hours.routes.js';

/** Every public `/api/*` route's declaration, in the order the OpenAPI document lists them. */
export const API_ROUTES = [submitEnquiryRoute, officeHoursRoute] as const;
