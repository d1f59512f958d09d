import type { Metadata } from "next";
import type { CSSProperties, ReactNode } from "react";
import { requireTenantForRoute } from "@/lib/tenancy/current";

type Props = { children: ReactNode; params: Promise<{ tenant: string }> };

export async function generateMetadata({ params }: Omit<Props, "children">): Promise<Metadata> {
  const tenant = await requireTenantForRoute((await params).tenant);
  return {
    title: { default: tenant.name, template: `%s · ${tenant.name}` },
    icons: tenant.branding.faviconUrl ? { icon: [{ url: tenant.branding.faviconUrl }] } : undefined,
  };
}

export default async function TenantLayout({ children, params }: Props) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const brand = {
    "--brand-primary": tenant.branding.primaryColor,
    "--brand-secondary": tenant.branding.secondaryColor,
  } as CSSProperties;
  // The header is in the primary colour: the logo made for dark backgrounds fits it best.
  const logo = tenant.branding.logoDarkUrl ?? tenant.branding.logoUrl;
  return (
    <div style={brand} data-tenant={tenant.slug} className="min-h-screen">
      <header className="bg-brand text-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4">
          <div className="flex items-center gap-3">
            {logo ? (
              // eslint-disable-next-line @next/next/no-img-element -- the tenant's uploaded logo (/branding/…)
              <img src={logo} alt="" className="h-8 w-auto" data-testid="tenant-logo" />
            ) : (
              <span className="bg-brand-dark flex h-8 w-8 items-center justify-center rounded-lg font-bold" aria-hidden>
                {tenant.name.charAt(0)}
              </span>
            )}
            <span className="text-lg font-semibold" data-testid="tenant-name">
              {tenant.name}
            </span>
          </div>
          <span className="bg-brand-dark rounded-full px-3 py-1 text-xs font-medium">{tenant.planName} plan</span>
        </div>
      </header>
      {children}
    </div>
  );
}
