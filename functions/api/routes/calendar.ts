/** Google Calendar: connect and disconnect, sync now, events (write-through) and availability. */
import { route } from '../route';
import {
  AuthorizeResponse,
  AvailabilityQuery,
  AvailabilityResponse,
  CalendarConnectionView,
  CalendarEvent,
  CreateEventBody,
  EventPage,
  EventParams,
  EventsQuery,
  OAuthCallbackQuery,
  OrgCalendarConnectionPage,
  SyncAccepted,
  UpdateEventBody,
} from '../schemas/calendar';
import { ListQuery } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';

export const authorizeGoogleCalendar = route({
  operationId: 'authorizeGoogleCalendar',
  method: 'POST',
  path: '/orgs/{orgId}/calendar/google/authorize',
  module: 'calendar',
  summary: 'Start connecting the caller’s Google Calendar: returns the consent URL',
  auth: { kind: 'org', permission: 'calendar:connect' },
  params: OrgParams,
  response: AuthorizeResponse,
  successStatus: 200,
});

export const googleOAuthCallback = route({
  operationId: 'googleOAuthCallback',
  method: 'GET',
  path: '/oauth/google/callback',
  module: 'oauth-callback',
  summary: 'Where Google sends the browser back after consent; redirects to the admin site',
  auth: { kind: 'public' },
  query: OAuthCallbackQuery,
  successStatus: 302,
  errors: [404],
});

export const getCalendarConnection = route({
  operationId: 'getCalendarConnection',
  method: 'GET',
  path: '/orgs/{orgId}/calendar',
  module: 'calendar',
  summary: 'The caller’s calendar connection: status, last sync, last error, event count',
  auth: { kind: 'org', permission: 'calendar:readOwn' },
  params: OrgParams,
  response: CalendarConnectionView,
  successStatus: 200,
});

export const listOrgCalendarConnections = route({
  operationId: 'listOrgCalendarConnections',
  method: 'GET',
  path: '/orgs/{orgId}/calendar/connections',
  module: 'calendar',
  summary: 'The members’ calendar connections with their sync health (managers and up), paged',
  auth: { kind: 'org', permission: 'calendar:readOthers' },
  params: OrgParams,
  query: ListQuery,
  response: OrgCalendarConnectionPage,
  successStatus: 200,
});

export const disconnectCalendar = route({
  operationId: 'disconnectCalendar',
  method: 'DELETE',
  path: '/orgs/{orgId}/calendar',
  module: 'calendar',
  summary: 'Revoke the Google grant, delete the tokens and the synced events',
  auth: { kind: 'org', permission: 'calendar:connect' },
  params: OrgParams,
  successStatus: 204,
  errors: [409, 502],
});

export const syncCalendarNow = route({
  operationId: 'syncCalendarNow',
  method: 'POST',
  path: '/orgs/{orgId}/calendar/sync',
  module: 'calendar',
  summary:
    'Queue a sync of the caller’s calendar now; at most once a minute per connection (429 with Retry-After otherwise)',
  auth: { kind: 'org', permission: 'calendar:sync' },
  params: OrgParams,
  response: SyncAccepted,
  successStatus: 202,
  errors: [409, 429],
});

export const listCalendarEvents = route({
  operationId: 'listCalendarEvents',
  method: 'GET',
  path: '/orgs/{orgId}/calendar/events',
  module: 'calendar',
  summary: 'Synced events overlapping [from, to): the caller’s, or (managers and up) a member’s',
  auth: { kind: 'org', permission: 'calendar:readOwn' },
  params: OrgParams,
  query: EventsQuery,
  response: EventPage,
  successStatus: 200,
});

export const createCalendarEvent = route({
  operationId: 'createCalendarEvent',
  method: 'POST',
  path: '/orgs/{orgId}/calendar/events',
  module: 'calendar',
  summary: 'Create an event in the caller’s Google Calendar, then store it',
  auth: { kind: 'org', permission: 'calendar:writeOwn' },
  params: OrgParams,
  body: CreateEventBody,
  response: CalendarEvent,
  successStatus: 201,
  errors: [409, 502],
});

export const updateCalendarEvent = route({
  operationId: 'updateCalendarEvent',
  method: 'PATCH',
  path: '/orgs/{orgId}/calendar/events/{eventId}',
  module: 'calendar',
  summary: 'Change an event in the caller’s Google Calendar, then store it',
  auth: { kind: 'org', permission: 'calendar:writeOwn' },
  params: EventParams,
  body: UpdateEventBody,
  response: CalendarEvent,
  successStatus: 200,
  errors: [409, 502],
});

export const deleteCalendarEvent = route({
  operationId: 'deleteCalendarEvent',
  method: 'DELETE',
  path: '/orgs/{orgId}/calendar/events/{eventId}',
  module: 'calendar',
  summary: 'Delete an event from the caller’s Google Calendar, then from the store',
  auth: { kind: 'org', permission: 'calendar:writeOwn' },
  params: EventParams,
  successStatus: 204,
  errors: [409, 502],
});

export const getAvailability = route({
  operationId: 'getAvailability',
  method: 'GET',
  path: '/orgs/{orgId}/availability',
  module: 'calendar',
  summary: 'Common free slots of members within working hours in each member’s time zone',
  auth: { kind: 'org', permission: 'calendar:readOwn' },
  params: OrgParams,
  query: AvailabilityQuery,
  response: AvailabilityResponse,
  successStatus: 200,
});
