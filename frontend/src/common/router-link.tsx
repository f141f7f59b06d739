import Link, { type LinkProps } from '@cloudscape-design/components/link';
import { useNavigate } from 'react-router';

/** A Cloudscape link that navigates inside the single-page app (a plain click), keeping new-tab clicks working. */
export function RouterLink({ href, children, ...rest }: LinkProps & { href: string }) {
  const navigate = useNavigate();
  return (
    <Link
      {...rest}
      href={href}
      onFollow={event => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </Link>
  );
}
