import type { UserStatus } from "@/lib/domain/users/state";

const styles: Record<UserStatus, string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  deactivated: "bg-slate-100 text-slate-600 ring-slate-500/20",
  forgotten: "bg-red-50 text-red-700 ring-red-600/20",
};

export function StatusBadge({ status }: { status: UserStatus }) {
  const style = styles[status];
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}
    >
      {status}
    </span>
  );
}
