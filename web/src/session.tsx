import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthenticatedHandler } from './api.ts';

export interface Me {
  userId: string;
  name: string;
  email: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  role: string;
  roleLabel: string;
  creditorId: string | null;
  permissions: string[];
}

interface SessionValue {
  me: Me | null;
  loading: boolean;
  can: (permission: string) => boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Who is logged in, from GET /api/auth/me (the session itself lives in an HttpOnly cookie). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      setMe(await api.get<Me>('/api/auth/me'));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    void refresh();
  }, [refresh]);

  const value: SessionValue = {
    me,
    loading,
    can: (permission) => Boolean(me?.permissions.includes(permission)),
    login: async (email, password) => {
      await api.post('/api/auth/login', { email, password });
      await refresh();
    },
    logout: async () => {
      await api.post('/api/auth/logout').catch(() => undefined);
      setMe(null);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession fora de SessionProvider');
  return value;
}
