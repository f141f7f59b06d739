import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Permission } from '../api/types';
import { useMe } from '../api/hooks/me';
import { effectivePermissions, roleOf, type Role } from './permissions';
import type { AuthService, Session } from './session';

interface AuthState {
  service: AuthService;
  session: Session | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ service, children }: { service: AuthService; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    setSession(await service.currentSession());
    setLoading(false);
  }, [service]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const value = useMemo<AuthState>(
    () => ({
      service,
      session,
      loading,
      refresh,
      signOut: async () => {
        await service.signOut();
        setSession(null);
      },
    }),
    [service, session, loading, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error('useAuth must be used inside <AuthProvider>');
  return state;
}

export interface Access {
  role: Role;
  permissions: ReadonlySet<Permission>;
  username: string;
  groups: string[];
}

/** The signed-in user's role and permissions: /me when it has answered, the token's groups until then. */
export function useAccess(): Access {
  const { session } = useAuth();
  const me = useMe();
  const groups = me.data?.groups ?? session?.groups ?? [];
  return {
    role: roleOf(groups),
    permissions: effectivePermissions(me.data, session?.groups ?? []),
    username: me.data?.email ?? me.data?.username ?? session?.username ?? '',
    groups,
  };
}
