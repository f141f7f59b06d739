import Box from '@cloudscape-design/components/box';
import { useMe } from '../api/hooks/me';
import { strings } from '../strings';

/** The product's version, as the API reports it (one number, kept in pyproject.toml). */
export function VersionFooter() {
  const me = useMe();
  const version = me.data?.version;
  return (
    <footer id="app-footer" className="no-print">
      <Box padding={{ horizontal: 'l', vertical: 'xs' }} fontSize="body-s" color="text-body-secondary">
        {version ? strings.footer.version(version) : strings.appName}
      </Box>
    </footer>
  );
}
