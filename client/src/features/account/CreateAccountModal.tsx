import { Alert, Button, Checkbox, Group, Modal, NativeSelect, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import type { Permission, Role } from '../../__generated__/graphql';
import { PasswordField } from '../../components/PasswordField';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
import { ALL_PERMISSIONS, PERMISSION_LABELS, ROLE_LABELS } from './labels';
import { mayGrant, useViewer } from '../session/viewer';
import { useCreateAccountMutation } from './useCreateAccountMutation';
import { useReauthGuard } from '../two-factor/useReauthGuard';

interface CreateAccountModalProps {
  opened: boolean;
  onClose: () => void;
  /** Roles the viewer may create; the first is preselected. */
  roles: Role[];
}

export function CreateAccountModal({ opened, onClose, roles }: CreateAccountModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="New account" size="lg">
      {/* Mounted only while open, so every opening starts with an empty form. */}
      <CreateAccountForm roles={roles} onDone={onClose} />
    </Modal>
  );
}

const FORM_FIELDS = new Set(['email', 'name', 'password', 'role', 'permissions', 'apiOnly']);

function CreateAccountForm({ roles, onDone }: { roles: Role[]; onDone: () => void }) {
  const viewer = useViewer();
  const [create, { loading }] = useCreateAccountMutation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(roles[0] ?? 'USER');
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const [apiOnly, setApiOnly] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Creating a sub-admin or an admin asks for a recent re-authentication first.
  const { confirmThen, modal } = useReauthGuard();
  const fieldErrors = problem?.fieldErrors ?? {};
  const emailError = problem?.code === 'EMAIL_TAKEN' ? problem.message : fieldErrors['email'];
  const showAlert =
    problem !== null &&
    problem.code !== 'EMAIL_TAKEN' &&
    (problem.code !== 'BAD_USER_INPUT' || !Object.keys(fieldErrors).some((f) => FORM_FIELDS.has(f)));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const submit = async () => {
      const result = await create({
        email,
        name,
        password: role === 'SUB_ADMIN' && apiOnly ? null : password,
        role,
        permissions: role === 'SUB_ADMIN' ? permissions : null,
        apiOnly: role === 'SUB_ADMIN' && apiOnly,
      });
      if (result.__typename === 'AccountCreated') {
        notifications.show({
          color: 'green',
          title: 'Account created',
          message:
            apiOnly && role === 'SUB_ADMIN'
              ? `${email.trim()} is ready: create an API token for it.`
              : `${email.trim()} can now sign in.`,
        });
        onDone();
      } else {
        setProblem(problemFromCode(result.code));
      }
    };
    try {
      await submit();
    } catch (error) {
      const p = toProblem(error);
      if (p.code === 'REAUTH_REQUIRED') confirmThen(() => submit().catch((again: unknown) => setProblem(toProblem(again))));
      else setProblem(p);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate={false}>
      <Stack gap="md">
        {showAlert && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        <TextInput
          label="E-mail"
          type="email"
          autoComplete="off"
          required
          data-autofocus
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={emailError}
        />
        <TextInput
          label="Name"
          autoComplete="off"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldErrors['name']}
        />
        <NativeSelect
          label="Role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
          data={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          error={fieldErrors['role']}
        />
        {role === 'SUB_ADMIN' && (
          <Switch
            label="API only"
            description="For integrations (mail servers, billing panels): never signs in to the dashboard, authenticates with API tokens."
            checked={apiOnly}
            onChange={(e) => setApiOnly(e.currentTarget.checked)}
            error={fieldErrors['apiOnly']}
          />
        )}
        {!(role === 'SUB_ADMIN' && apiOnly) && (
          <PasswordField
            label="Password"
            description="At least 12 characters, and not the e-mail address. Share it with the person safely."
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldErrors['password']}
          />
        )}
        {role === 'SUB_ADMIN' && (
          <Checkbox.Group
            label="Permissions"
            description="What this sub-admin may do."
            value={permissions}
            onChange={(value) => setPermissions(value as Permission[])}
            error={fieldErrors['permissions']}
          >
            <Stack gap="xs" mt="xs">
              {ALL_PERMISSIONS.map((p) => (
                <Checkbox
                  key={p}
                  value={p}
                  label={PERMISSION_LABELS[p].label}
                  // Only what you hold yourself can be handed on.
                  disabled={!mayGrant(viewer, p)}
                  description={
                    mayGrant(viewer, p)
                      ? PERMISSION_LABELS[p].description
                      : `${PERMISSION_LABELS[p].description} You do not hold it, so you cannot grant it.`
                  }
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        {role === 'ADMIN' && (
          <Text size="sm" c="dimmed">
            Admins hold every permission.
          </Text>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={loading}>
            Create account
          </Button>
        </Group>
      </Stack>
      {modal}
    </form>
  );
}
