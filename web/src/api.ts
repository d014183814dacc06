/**
 * The API client: same origin, the session in an HttpOnly cookie (the token never reaches
 * JavaScript), errors as application/problem+json turned into ApiError with the pt-BR message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly errors?: Array<{ field?: string; line?: number; message: string }>,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

let onUnauthenticated: (() => void) | null = null;
/** The app registers where to go when the session ends (the login screen). */
export function setUnauthenticatedHandler(handler: () => void) {
  onUnauthenticated = handler;
}

export async function request<T>(method: string, path: string, body?: unknown, init?: RequestInit): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData || body instanceof Blob) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload ?? null, credentials: 'same-origin', ...init });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (data ?? {}) as { detail?: string; title?: string; field?: string; errors?: ApiError['errors'] };
    if (response.status === 401 && onUnauthenticated && !path.startsWith('/api/auth/login') && !path.startsWith('/api/portal')) onUnauthenticated();
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `Erro ${response.status}`, problem.field, problem.errors);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** An upload with progress (fetch has no upload progress events; XMLHttpRequest does). */
export function upload<T>(path: string, file: File, contentType: string, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const data = xhr.responseText ? safeJson(xhr.responseText) : undefined;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const problem = (data ?? {}) as { detail?: string; title?: string; field?: string; errors?: ApiError['errors'] };
      reject(new ApiError(xhr.status, problem.detail ?? problem.title ?? `Erro ${xhr.status}`, problem.field, problem.errors));
    };
    xhr.onerror = () => reject(new ApiError(0, 'Falha de rede no envio do arquivo.'));
    xhr.send(file);
  });
}
