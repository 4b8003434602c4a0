// Typical calls of the mobile app, typed by the client generated from the API document
// (openapi-typescript) and checked with `tsc --strict`: no `!`, no casts. If the document
// stops telling what a field is, or whether it is always there, this stops compiling.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Problem = components["schemas"]["Problem"];
type FeedItem = components["schemas"]["FeedItem"];
type LoanStatus = components["schemas"]["Loan"]["status"];

const api = createClient<paths>({ baseUrl: "https://palier.example" });

function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

export async function signIn(email: string, password: string): Promise<string> {
  const { data, error } = await api.POST("/api/v1/auth/login", {
    body: { email, password, device_name: "Pixel 7 de Nadia" },
  });
  if (error) {
    throw new Error(`${error.title}: ${error.detail}`);
  }
  return `${data.token} (${data.user.display_name}, ${data.user.locale})`;
}

export async function headlines(token: string): Promise<string[]> {
  const { data, error } = await api.GET("/api/v1/feed", {
    headers: bearer(token),
    params: { query: { limit: 20 } },
  });
  if (error) {
    return [error.detail];
  }
  return data.items.map((item: FeedItem) => {
    const who = `${item.author.display_name} (${item.author.role})`;
    const when = item.published_at ?? "bientôt";
    const title = item.title ?? item.body.slice(0, 60);
    const photo = item.photos.length > 0 ? item.photos[0].url : "";
    return `${when} ${who}: ${title} ${photo} ${item.comments} commentaires`;
  });
}

export async function nextPageCursor(token: string): Promise<string | null> {
  const { data } = await api.GET("/api/v1/listings", {
    headers: bearer(token),
    params: { query: { q: "perceuse", order: "distance" } },
  });
  if (!data) {
    return null;
  }
  for (const hit of data.items) {
    const distance = hit.distance_m === null ? "ici" : `${hit.distance_m} m`;
    const photo = hit.listing.first_photo === null ? "" : hit.listing.first_photo.url;
    console.log(hit.listing.title, hit.listing.owner.display_name, distance, photo);
  }
  return data.next_cursor;
}

export async function askForTheDrill(
  token: string,
  listingId: number,
): Promise<LoanStatus | Problem> {
  const { data, error } = await api.POST("/api/v1/listings/{listing_id}/loans", {
    headers: bearer(token),
    params: { path: { listing_id: listingId } },
    body: { starts_on: "2026-12-01", due_on: "2026-12-03" },
  });
  if (error) {
    return error;
  }
  return data.status;
}

export async function acceptLoan(token: string, loanId: number): Promise<string> {
  const { data, error } = await api.POST("/api/v1/loans/{loan_id}/accept", {
    headers: bearer(token),
    params: { path: { loan_id: loanId } },
  });
  if (error) {
    const period = error.conflicting_period;
    return period ? `déjà prêté du ${period.starts_on} au ${period.due_on}` : error.detail;
  }
  const overdue: boolean = data.overdue;
  return `${data.listing.title}: ${data.status}, ${data.borrower.display_name}, ${overdue}`;
}

export async function bookTheRoom(token: string, spaceId: number): Promise<string> {
  const { data, error } = await api.POST("/api/v1/spaces/{space_id}/bookings", {
    headers: bearer(token),
    params: { path: { space_id: spaceId } },
    body: {
      starts_at: "2026-12-12T14:00:00+01:00",
      ends_at: "2026-12-12T16:00:00+01:00",
      purpose: "Anniversaire de Lina",
    },
  });
  if (error) {
    const taken = error.conflicting_interval;
    const fields = error.errors ? Object.keys(error.errors).join(", ") : "";
    return taken ? `pris de ${taken.start} à ${taken.end}` : `${error.rule ?? ""} ${fields}`;
  }
  return `${data.space} ${data.starts_at}–${data.ends_at} ${data.status}`;
}

export async function registerPhone(token: string, fcmToken: string): Promise<number> {
  const { data, error } = await api.POST("/api/v1/devices", {
    headers: bearer(token),
    body: { token: fcmToken, platform: "android", app_version: "1.4.0", locale: "fr" },
  });
  if (error) {
    throw new Error(error.detail);
  }
  const version: string = data.app_version ?? "inconnue";
  console.log(version, data.platform, data.last_seen_at);
  return data.id;
}
